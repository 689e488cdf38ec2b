import Foundation

/// The built `herald` executable run as an operator would: its exit code and
/// everything it printed, with a deadline so a hang fails the test instead of stalling it.
public struct HeraldProcess {
    public struct Finished {
        public let status: Int32
        public let output: String
    }

    /// `herald` beside the test bundle (both are products of the same build).
    public static var executable: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("herald").path
        return FileManager.default.isExecutableFile(atPath: besideTests) ? besideTests : ".build/debug/herald"
    }

    /// Runs `herald arguments…` in a fresh directory with only `environment`
    /// (plus PATH and HOME), and waits for it to exit.
    public static func run(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60))
        async throws -> Finished
    {
        let running = try start(arguments, environment: environment)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while running.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if running.process.isRunning {
            _ = try await running.stop()
            throw ConditionTimeout(what: "herald \(arguments.joined(separator: " ")) exits")
        }
        return try await running.stop()
    }

    /// A `herald` left running (`serve`), stopped by the test.
    public final class Running: @unchecked Sendable {
        public let process: Process
        public let directory: String
        public let outputPath: String
        private let output: FileHandle

        public init(process: Process, directory: String, outputPath: String, output: FileHandle) {
            self.process = process
            self.directory = directory
            self.outputPath = outputPath
            self.output = output
        }

        /// Everything printed so far.
        public var printed: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

        /// Sends SIGTERM, waits for the exit (SIGKILL past the deadline), and returns the output.
        public func stop(timeout: Duration = .seconds(20)) async throws -> Finished {
            if process.isRunning { process.terminate() }
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? output.close()
            let text = printed
            try? FileManager.default.removeItem(atPath: directory)
            return Finished(status: process.terminationStatus, output: text)
        }
    }

    /// Starts `herald arguments…` as `run` does, without waiting for it.
    public static func start(_ arguments: [String], environment: [String: String]) throws -> Running {
        let directory = NSTemporaryDirectory() + "herald-process-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
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
        return Running(process: process, directory: directory, outputPath: outputPath, output: output)
    }
}
