/// The figures as a Markdown table, stages in hot-path order (pasted into BENCHMARKS.md).
enum StageReport {
    static func table(_ stages: [Stage], _ figures: [String: StageCounts]) -> String {
        var lines = ["| stage | what one run does | mallocs | retains | releases | instructions | ns (orientation) |",
                     "|---|---|---|---|---|---|---|"]
        for stage in stages {
            guard let counts = figures[stage.name] else { continue }
            lines.append("| \(stage.name) | \(stage.summary) | \(Budgets.format(counts.mallocs)) | "
                + "\(counts.retains.map(Budgets.format) ?? "–") | \(counts.releases.map(Budgets.format) ?? "–") | "
                + "\(counts.instructions.map(Budgets.format) ?? "–") | \(counts.nanoseconds.map(Budgets.format) ?? "–") |")
        }
        return lines.joined(separator: "\n")
    }
}
