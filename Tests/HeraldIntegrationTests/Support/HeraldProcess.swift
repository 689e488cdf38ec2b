import Foundation

/// The built `herald` executable run as an operator would: its exit code and
/// everything it printed, with a deadline so a hang fails the test instead of stalling it.
struct HeraldProcess {
    struct Finished {
        let status: Int32
        let output: String
    }

    /// `herald` beside the test bundle (both are products of the same build).
    static var executable: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("herald").path
        return FileManager.default.isExecutableFile(atPath: besideTests) ? besideTests : ".build/debug/herald"
    }

    /// Runs `herald arguments…` in a fresh directory with only `environment`
    /// (plus PATH and HOME), and waits for it to exit.
    static func run(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60))
        async throws -> Finished
    {
        let directory = NSTemporaryDirectory() + "herald-process-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let inherited = ProcessInfo.processInfo.environment
        process.environment = environment.merging(["PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": directory]) { own, _ in own }
        let outputPath = directory + "/output.log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw ConditionTimeout(what: "herald \(arguments.joined(separator: " ")) exits")
        }
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Finished(status: process.terminationStatus, output: text)
    }
}
