import Foundation

/// This command run again for one stage under a counting tool (`perf stat`),
/// so that the tool counts that stage's runs alone.
enum ChildRun {
    static var executable: String {
        get throws { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") }
    }

    /// Runs `tool` with this executable measuring `stage` `iterations` times
    /// (which prints nothing itself); returns what the tool printed.
    static func run(_ tool: [String], stage: String, iterations: Int) throws -> String {
        try output(tool + [try executable, "--stage", stage, "--iterations", String(iterations), "--quiet"])
    }

    /// Runs `command` (found on PATH) to its end; returns its standard output
    /// and error together, or throws with them when it fails.
    static func output(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StageError("\(command.joined(separator: " ")) failed: \(text.suffix(400))")
        }
        return text
    }
}
