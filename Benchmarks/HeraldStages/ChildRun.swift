import Foundation

/// This command run again for one stage under a counting tool (`perf stat`),
/// so that the tool counts that stage's runs alone.
enum ChildRun {
    static var executable: String {
        get throws { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") }
    }

    /// Runs `tool` with this executable measuring `stage` `iterations` times; returns its standard error.
    static func run(_ tool: [String], stage: String, iterations: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = tool + [try executable, "--stage", stage, "--iterations", String(iterations), "--quiet"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StageError("\(tool.first ?? "") could not run stage \(stage): \(text.suffix(400))")
        }
        return text
    }
}
