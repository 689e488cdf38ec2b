import MallocInterposerSwift

/// What one run of a stage costs, averaged over many: the figures a budget holds.
struct StageCounts: Codable, Sendable, Equatable {
    var mallocs: Double
    /// Counted only with `--retains` (uprobes on the Swift runtime, `PerfStat`); nil otherwise.
    var retains: Double?
    var releases: Double?
    /// Counted only with `--instructions`, where the CPU's counters can be read; nil otherwise.
    var instructions: Double?
    /// Wall time per run, for orientation only: never checked (noisy machines).
    var nanoseconds: Double?

    /// Runs `stage` `iterations` times with every counter on.
    static func measure(_ stage: Stage, iterations: Int) async -> StageCounts {
        let clock = ContinuousClock()
        MallocInterposerSwift.reset()
        MallocInterposerSwift.hook()
        let started = clock.now
        await stage.run(iterations)
        let elapsed = started.duration(to: clock.now)
        MallocInterposerSwift.unhook()
        let mallocs = MallocInterposerSwift.getStatistics().mallocCount
        let runs = Double(iterations)
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return StageCounts(mallocs: Double(mallocs) / runs, retains: nil, releases: nil, instructions: nil,
                           nanoseconds: nanos / runs)
    }
}
