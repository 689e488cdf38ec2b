import Foundation
import HeraldTesting
import Testing

/// `herald.conf.example` says it documents every setting: held to it against
/// the configuration's own list (`herald doctor --list-settings`), so a new
/// key cannot be forgotten there.
@Suite("herald.conf.example")
struct ConfigurationExampleTests {
    @Test("lists every key the configuration knows, and no key it does not")
    func complete() async throws {
        let run = try await HeraldProcess.run(["doctor", "--list-settings"], environment: [:])
        #expect(run.status == 0, "\(run.output)")
        let known = Set(run.output.split(whereSeparator: \.isNewline).map(String.init))
        #expect(known.count > 50 && known.allSatisfy { $0.hasPrefix("HERALD_") }, "\(run.output)")

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent("herald.conf.example"), encoding: .utf8)
        // Each setting appears as a KEY=value line, commented out (its default) or set.
        var documented: Set<String> = []
        for line in example.split(whereSeparator: \.isNewline) {
            let setting = line.hasPrefix("#") ? line.dropFirst() : line[...]
            guard setting.hasPrefix("HERALD_"), let equals = setting.firstIndex(of: "=") else { continue }
            documented.insert(String(setting[..<equals]))
        }
        #expect(known.subtracting(documented).isEmpty,
                "herald.conf.example misses \(known.subtracting(documented).sorted())")
        #expect(documented.subtracting(known).isEmpty,
                "herald.conf.example names settings Herald would refuse: \(documented.subtracting(known).sorted())")
    }
}
