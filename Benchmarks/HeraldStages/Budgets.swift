import Foundation

/// The most each stage may cost per run, checked in (`Benchmarks/budgets.json`)
/// so that a change that makes the hot path allocate or retain more fails
/// `herald-stages --check`. Counts, not times: they do not depend on how
/// busy the machine is.
struct Budgets: Codable {
    var stages: [String: StageCounts]

    init(_ stages: [String: StageCounts]) {
        self.stages = stages.mapValues { counts in
            var budget = counts
            budget.nanoseconds = nil
            return budget
        }
    }

    static func read(from path: String) throws -> Budgets {
        try JSONDecoder().decode(Budgets.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func write(to path: String) throws {
        try JSONEncoder.sorted.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// One line per figure over its budget by more than `tolerance` percent;
    /// a stage measured without a budget is one too.
    func overruns(_ measured: [String: StageCounts], tolerance: Double) -> [String] {
        var lines: [String] = []
        for (name, counts) in measured.sorted(by: { $0.key < $1.key }) {
            guard let budget = stages[name] else {
                lines.append("\(name): no budget (run with --update)")
                continue
            }
            let figures: [(String, Double?, Double?)] = [
                ("mallocs", counts.mallocs, budget.mallocs), ("retains", counts.retains, budget.retains),
                ("releases", counts.releases, budget.releases), ("instructions", counts.instructions, budget.instructions),
            ]
            for case let (figure, value?, limit?) in figures where value > limit * (1 + tolerance / 100) + 0.5 {
                lines.append("\(name): \(figure) \(Self.format(value)) per run, budget \(Self.format(limit))")
            }
        }
        return lines
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }
}
