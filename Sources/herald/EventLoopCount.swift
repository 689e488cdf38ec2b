import ArgumentParser
import Foundation
import NIOCore

/// How many NIO event loops (threads) run Herald: its HTTP server, its Redis
/// and provider connections, and Swift concurrency (`HeraldCommand.main`).
/// One per core by default, as NIO sizes its own; `HERALD_EVENT_LOOPS` sets
/// fewer where Herald shares its machine (with Redis, say) and should leave
/// cores to it. On the 2-core benchmark machine one loop (no hop between
/// loops) did not pay: it capped Herald at one core and sent less for about
/// the same CPU per message (BENCHMARKS.md, issue 22). Read from the
/// environment only, since the loops start before any configuration file is read.
enum EventLoopCount {
    static let setting = "HERALD_EVENT_LOOPS"

    /// The count `HERALD_EVENT_LOOPS` asks for; nil leaves NIO's own (one per core).
    static func configured(_ environment: [String: String]) throws -> Int? {
        guard let text = environment[setting] else { return nil }
        guard let count = Int(text), (1...1_024).contains(count) else {
            throw ValidationError("\(setting) must be a whole number from 1 to 1024, got '\(text)'")
        }
        return count
    }
}
