import ArgumentParser
import Foundation

/// `herald-stages`: the hot path of one SMS, stage by stage, with each
/// stage's mallocs (and retains, releases and instructions when asked) per
/// run, checked against the budgets in `Benchmarks/budgets.json`: a stage
/// more than 10 % over its budget fails the command.
@main
struct HeraldStagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald-stages",
        abstract: "Allocations, reference counting and instructions per run of each hot-path stage.")

    @Option(help: "Runs measured per stage.") var iterations = 10_000
    @Option(name: .customLong("stage"), help: "Measure only these stages (repeatable).") var stages: [String] = []
    @Option(help: "Fail when a stage exceeds its budget in this file by more than the tolerance.") var check: String?
    @Option(help: "Write the measured figures as the budgets to this file.") var update: String?
    @Option(help: "Allowed overrun of a budget, in percent.") var tolerance = 10.0
    @Flag(help: "Also count instructions (perf stat; a machine without CPU counters reports none).") var instructions = false
    @Flag(help: "Also count retains and releases, by uprobes read with perf stat (needs perf and root).") var retains = false
    @Flag(help: "Print one JSON object of the figures instead of the table.") var json = false
    @Flag(help: "Print nothing (how the command runs itself under a counting tool).") var quiet = false

    func run() async throws {
        if !Preload.isActive { try Preload.reexec() }
        let all = try HotPathStages.all()
        let chosen = stages.isEmpty ? all : try stages.map { name in
            guard let stage = all.first(where: { $0.name == name }) else {
                throw ValidationError("no stage '\(name)'; there are: \(all.map(\.name).joined(separator: ", "))")
            }
            return stage
        }
        var figures: [String: StageCounts] = [:]
        for stage in chosen {
            await stage.run(min(iterations, 200)) // warm caches, lazy globals, metric children
            figures[stage.name] = await StageCounts.measure(stage, iterations: iterations)
        }
        if quiet { return }
        let events = (retains ? [PerfStat.retain, PerfStat.release] : []) + (instructions ? [PerfStat.instructions] : [])
        if retains { try PerfStat.installRetainProbes() }
        if !events.isEmpty {
            for stage in chosen {
                let counts = try PerfStat.perRun(events, stage: stage.name, iterations: min(iterations, 5_000))
                figures[stage.name]?.retains = counts[PerfStat.retain] ?? nil
                figures[stage.name]?.releases = counts[PerfStat.release] ?? nil
                figures[stage.name]?.instructions = counts[PerfStat.instructions] ?? nil
            }
        }
        if json {
            print(String(decoding: try JSONEncoder.sorted.encode(figures), as: UTF8.self))
        } else {
            print(StageReport.table(chosen, figures))
        }
        if let update { try Budgets(figures).write(to: update) }
        if let check {
            let overruns = try Budgets.read(from: check).overruns(figures, tolerance: tolerance)
            for overrun in overruns { print("OVER BUDGET: \(overrun)") }
            if !overruns.isEmpty { throw ExitCode(1) }
            print("every stage within \(Int(tolerance)) % of its budget (\(check))")
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
