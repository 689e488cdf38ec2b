import Foundation

/// The key names a `herald.conf` sets, for the unknown-key check; the values
/// themselves are read by swift-configuration. A line that is neither a
/// comment nor `KEY=value` is refused here, where swift-configuration would
/// skip it silently.
enum ConfigurationFileKeys {
    static func names(in path: String) throws -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read configuration file \(path)")
        }
        var names: Set<String> = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw ConfigurationError("\(path):\(number + 1): expected KEY=value")
            }
            names.insert(line[..<equals].trimmingCharacters(in: .whitespaces))
        }
        return names
    }
}
