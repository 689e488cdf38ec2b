import Foundation
import HeraldCore
import Testing

/// ExperimentStatistics against SciPy and statsmodels, computed in the test
/// run by `stats_oracle.py` with the Python that `HERALD_STATS_PYTHON` names
/// (scripts/test makes a venv with both).
@Suite("Experiment statistics against SciPy and statsmodels")
struct ExperimentStatisticsTests {
    /// Six tables of (successes, trials), the control first: ordinary, three
    /// groups, a zero cell, a tiny sample, four large groups, identical groups.
    static let tables: [[(Int, Int)]] = [
        [(120, 1_000), (150, 1_000)],
        [(30, 500), (45, 520), (28, 480)],
        [(0, 200), (5, 210)],
        [(2, 9), (5, 11)],
        [(1_000, 20_000), (1_100, 20_000), (1_050, 20_000), (990, 19_800)],
        [(50, 100), (50, 100)],
        [(7, 300), (0, 280)],
    ]

    static func oracle() throws -> [[String: Any]] {
        let python = try #require(ProcessInfo.processInfo.environment["HERALD_STATS_PYTHON"],
                                  "HERALD_STATS_PYTHON names a Python with scipy and statsmodels (scripts/test sets it)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("stats_oracle.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let tables = tables.map { $0.map { [$0.0, $0.1] } }
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: tables))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    static func close(_ value: Double?, _ expected: Any?, _ what: String) {
        guard let expected = expected as? Double else {
            #expect(value == nil, "\(what): \(String(describing: value)) where the oracle has none")
            return
        }
        guard let value else {
            Issue.record("\(what): none where the oracle has \(expected)")
            return
        }
        #expect(abs(value - expected) <= 1e-9 * max(1, abs(expected)), "\(what): \(value) against \(expected)")
    }

    @Test("Wilson intervals, z-tests, difference and lift intervals, Holm, χ² and sample sizes agree with SciPy and statsmodels")
    func agreesWithOracle() throws {
        let expected = try Self.oracle()
        #expect(expected.count == Self.tables.count)
        for (index, (table, oracle)) in zip(Self.tables, expected).enumerated() {
            let groups = table.map { Proportion(successes: $0.0, trials: $0.1) }
            for (group, interval) in zip(groups, oracle["wilson"] as? [[Double]] ?? []) {
                let wilson = group.wilson()
                Self.close(wilson?.low, interval[0], "table \(index) Wilson low")
                Self.close(wilson?.high, interval[1], "table \(index) Wilson high")
            }
            let comparisons = groups.dropFirst().map { ExperimentStatistics.compare($0, to: groups[0]) }
            for (position, (comparison, entry)) in zip(comparisons, oracle["comparisons"] as? [[String: Any]] ?? []).enumerated() {
                let what = "table \(index) variant \(position + 1)"
                Self.close(comparison.z, entry["z"], "\(what) z")
                Self.close(comparison.pValue, entry["p"], "\(what) p")
                let difference = entry["difference"] as? [Double]
                Self.close(comparison.differenceInterval?.low, difference?[0], "\(what) difference low")
                Self.close(comparison.differenceInterval?.high, difference?[1], "\(what) difference high")
                let lift = entry["lift"] as? [Double]
                Self.close(comparison.liftInterval?.low, lift?[0], "\(what) lift low")
                Self.close(comparison.liftInterval?.high, lift?[1], "\(what) lift high")
                let rates = (groups[0].rate!, groups[position + 1].rate!)
                #expect(ExperimentStatistics.sampleSize(rates.0, rates.1) == entry["sample"] as? Int, "\(what) sample")
            }
            let holm = ExperimentStatistics.holm(comparisons.map(\.pValue))
            for (position, (value, oracleValue)) in zip(holm, oracle["holm"] as? [Double] ?? []).enumerated() {
                Self.close(value, oracleValue, "table \(index) Holm \(position + 1)")
            }
            let chi = ExperimentStatistics.chiSquare(groups)
            let oracleChi = oracle["chi2"] as? [Any]
            Self.close(chi?.statistic, oracleChi?[0], "table \(index) χ²")
            #expect(chi?.degrees == oracleChi?[1] as? Int, "table \(index) χ² degrees")
            Self.close(chi?.pValue, oracleChi?[2], "table \(index) χ² p")
        }
    }

    @Test("the normal quantile inverts the CDF to 1e-12 across its range")
    func quantile() {
        for p in [1e-10, 1e-4, 0.01, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-9] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) <= 1e-12 * max(1, p / (1 - p)))
        }
    }
}
