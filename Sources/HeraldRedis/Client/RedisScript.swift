import Foundation

/// A Lua script shipped as a resource file, one file per atomic transition.
///
/// A script may start with `--! include name.lua` lines; the named files are
/// prepended, so shared Lua (the receipt-applying function) is written once.
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
        return RedisScript(name: name, source: included + source)
    }

    private static func readResource(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("Lua script \(name).lua is missing from the HeraldRedis resources") }
        return text
    }
}
