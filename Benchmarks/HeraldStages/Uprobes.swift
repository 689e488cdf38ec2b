import Foundation

/// Retains and releases per run of one stage, counted by the kernel: uprobes
/// on the Swift runtime's `swift_retain` and `swift_release`, read with
/// `perf stat` over the stage run N and 2N times in its own process; the
/// difference is N runs and nothing else (setup, warm-up, exit cancel out).
/// Needs root (or a permissive `perf_event_paranoid`) and `perf`.
enum Uprobes {
    static let events = ["probe_libswiftCore:swift_retain", "probe_libswiftCore:swift_release"]

    /// Adds the two probes on the loaded libswiftCore unless they exist.
    static func install() throws {
        // /proc files report no size: read them to the end, not by their length.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else { throw StageError("no /proc/self/maps") }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        guard let library = maps.split(separator: "\n").compactMap({ $0.split(separator: " ").last })
            .first(where: { $0.hasSuffix("/libswiftCore.so") }).map(String.init)
        else { throw StageError("libswiftCore.so is not loaded") }
        let listed = try perf(["probe", "-l"])
        for function in ["swift_retain", "swift_release"] where !listed.contains("probe_libswiftCore:\(function) ") {
            _ = try perf(["probe", "-x", library, "-a", function])
        }
    }

    static func counts(stage: String, iterations: Int) throws -> (retains: Double, releases: Double) {
        let once = try read(stage: stage, iterations: iterations)
        let twice = try read(stage: stage, iterations: 2 * iterations)
        let runs = Double(iterations)
        return ((twice[0] - once[0]) / runs, (twice[1] - once[1]) / runs)
    }

    private static func read(stage: String, iterations: Int) throws -> [Double] {
        let text = try ChildRun.run(["perf", "stat", "-x", ",", "-e", events.joined(separator: ",")],
                                    stage: stage, iterations: iterations, preload: true)
        return try events.map { event in
            guard let line = text.split(separator: "\n").first(where: { $0.contains(",\(event),") }),
                  let count = Double(line.split(separator: ",", omittingEmptySubsequences: false)[0])
            else { throw StageError("perf stat did not count \(event): \(text.suffix(300))") }
            return count
        }
    }

    private static func perf(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["perf"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StageError("perf \(arguments.joined(separator: " ")): \(text)") }
        return text
    }
}
