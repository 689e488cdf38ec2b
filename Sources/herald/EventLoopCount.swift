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

    static func resolve(_ environment: [String: String], cores: Int = System.coreCount) -> Int {
        if let text = environment[setting], let count = Int(text), (1...1_024).contains(count) { return count }
        return max(1, cores)
    }
}
