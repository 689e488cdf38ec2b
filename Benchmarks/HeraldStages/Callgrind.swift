import Foundation

/// Instructions per run of one stage: the command runs itself under
/// `valgrind --tool=callgrind --collect-atstart=no` for that stage alone;
/// the measured loop switches collection on and off, so only it is counted.
enum Callgrind {
    static func instructions(stage: String, iterations: Int) throws -> Double {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("herald-stages-\(getpid())-\(stage).out")
        defer { try? FileManager.default.removeItem(at: output) }
        _ = try ChildRun.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--callgrind-out-file=\(output.path)"],
                             stage: stage, iterations: iterations, preload: false)
        let text = try String(contentsOf: output, encoding: .utf8)
        // "summary: <Ir>" (or "totals:") holds the events collected.
        for line in text.split(separator: "\n") where line.hasPrefix("summary:") || line.hasPrefix("totals:") {
            if let count = Double(line.split(separator: " ").last ?? "") { return count / Double(iterations) }
        }
        throw StageError("no instruction total in callgrind's output for \(stage)")
    }
}
