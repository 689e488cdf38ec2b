import Foundation

/// Per-run counts of kernel-counted events for one stage: `perf stat` over
/// the stage run N and 2N times in its own process, so the difference is N
/// runs and nothing else (setup, warm-up and exit cancel out). Events:
/// uprobes on the Swift runtime's `swift_retain`/`swift_release` (retains and
/// releases) and the CPU's `instructions:u`, which a VM without hardware
/// counters does not have (then nil). Needs `perf`, and root or a
/// permissive `perf_event_paranoid`.
enum PerfStat {
    static let retain = "probe_libswiftCore:swift_retain"
    static let release = "probe_libswiftCore:swift_release"
    static let instructions = "instructions:u"

    /// Adds the two uprobes on the loaded libswiftCore unless they exist.
    static func installRetainProbes() throws {
        // /proc files report no size: read them to the end, not by their length.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else { throw StageError("no /proc/self/maps") }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        guard let library = maps.split(separator: "\n").compactMap({ $0.split(separator: " ").last })
            .first(where: { $0.hasSuffix("/libswiftCore.so") }).map(String.init)
        else { throw StageError("libswiftCore.so is not loaded") }
        let listed = try ChildRun.output(["perf", "probe", "-l"])
        for (event, function) in [(retain, "swift_retain"), (release, "swift_release")] where !listed.contains(event + " ") {
            _ = try ChildRun.output(["perf", "probe", "-x", library, "-a", function])
        }
    }

    /// Each event's count per run of `stage`; nil for an event this machine cannot count.
    static func perRun(_ events: [String], stage: String, iterations: Int) throws -> [String: Double?] {
        let once = try read(events, stage: stage, iterations: iterations)
        let twice = try read(events, stage: stage, iterations: 2 * iterations)
        var counts: [String: Double?] = [:]
        for event in events {
            if let first = once[event] ?? nil, let second = twice[event] ?? nil {
                counts[event] = (second - first) / Double(iterations)
            } else {
                counts[event] = .some(nil)
            }
        }
        return counts
    }

    private static func read(_ events: [String], stage: String, iterations: Int) throws -> [String: Double?] {
        let text = try ChildRun.run(["perf", "stat", "-x", ",", "-e", events.joined(separator: ",")],
                                    stage: stage, iterations: iterations)
        var counts: [String: Double?] = [:]
        for event in events {
            guard let line = text.split(separator: "\n").first(where: { $0.contains(",\(event),") }) else {
                throw StageError("perf stat did not report \(event): \(text.suffix(300))")
            }
            // "<not supported>" or "<not counted>" in the first column: no such counter here.
            counts[event] = Double(line.split(separator: ",", omittingEmptySubsequences: false)[0])
        }
        return counts
    }
}
