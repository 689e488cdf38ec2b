import Foundation

/// A Lua script shipped as a resource file, one file per atomic transition.
///
/// A script may start with `--! include name.lua` lines; the named files are
/// prepended, so shared Lua (the receipt-applying function) is written once.
/// A first line `#!lua flags=…` (Redis 7 script flags) stays first.
///
/// The transitions of messages already accepted (claim, sent, retry, hold,
/// promote, release, cancel, receipts, rate and fatigue buckets) carry
/// `flags=allow-oom`: at `maxmemory` Redis refuses new writes, and a worker
/// that could not record a send would leave it to be reclaimed and sent
/// again. They update what exists and free stream entries; acceptance
/// (`enqueue.lua`) has no such flag, so a full Redis refuses new messages.
public struct RedisScript: Sendable, Equatable {
    public let name: String
    public let source: String

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    /// Loads `Scripts/<name>.lua` from this module's resources.
    public static func bundled(_ name: String) -> RedisScript {
        let source = readResource(name)
        var included = ""
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix("--! include ") {
            let file = line.dropFirst("--! include ".count).trimmingCharacters(in: .whitespaces)
            included += readResource(String(file.dropLast(file.hasSuffix(".lua") ? 4 : 0))) + "\n"
        }
        if source.hasPrefix("#!"), let newline = source.firstIndex(of: "\n") {
            return RedisScript(name: name, source: String(source[...newline]) + included + source[source.index(after: newline)...])
        }
        return RedisScript(name: name, source: included + source)
    }

    private static func readResource(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("Lua script \(name).lua is missing from the HeraldRedis resources") }
        return text
    }
}
