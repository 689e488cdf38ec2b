import Foundation

/// The tests an A/B result is judged by, on counts of successes out of
/// trials per group: each variant against a control by a two-proportion
/// z-test (pooled), p-values adjusted across variants by Holm, a χ² test of
/// independence across every group, the lift with its interval, and the
/// sample each group needs to find the observed effect.
public enum ExperimentStatistics {
    /// A variant against the control.
    public struct Comparison: Sendable, Equatable {
        /// z of the pooled two-proportion test; nil when it is undefined (no trials, or no variance).
        public var z: Double?
        /// Two-sided p-value of that test (1 when undefined).
        public var pValue: Double
        /// The difference of rates, variant − control, and its 95 % (Wald) interval.
        public var difference: Double?
        public var differenceInterval: (low: Double, high: Double)?
        /// The relative lift, variant / control − 1, and its 95 % interval (log risk ratio, Katz).
        public var lift: Double?
        public var liftInterval: (low: Double, high: Double)?

        public static func == (lhs: Comparison, rhs: Comparison) -> Bool {
            lhs.z == rhs.z && lhs.pValue == rhs.pValue && lhs.difference == rhs.difference && lhs.lift == rhs.lift
        }
    }

    /// The pooled two-proportion z-test of `variant` against `control`, with the difference and the lift.
    public static func compare(_ variant: Proportion, to control: Proportion, confidence: Double = 0.95) -> Comparison {
        let z975 = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        guard let p1 = variant.rate, let p0 = control.rate else {
            return Comparison(z: nil, pValue: 1, difference: nil, differenceInterval: nil, lift: nil, liftInterval: nil)
        }
        let n1 = Double(variant.trials), n0 = Double(control.trials)
        let pooled = Double(variant.successes + control.successes) / (n1 + n0)
        let standardError = (pooled * (1 - pooled) * (1 / n1 + 1 / n0)).squareRoot()
        var z: Double?
        var pValue = 1.0
        if standardError > 0 {
            z = (p1 - p0) / standardError
            pValue = min(1, 2 * NormalDistribution.survival(abs(z!)))
        }
        let difference = p1 - p0
        let wald = (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0).squareRoot()
        var lift: Double?
        var liftInterval: (low: Double, high: Double)?
        if p0 > 0 {
            lift = p1 / p0 - 1
            if variant.successes > 0 {
                let logRatio = log(p1 / p0)
                let spread = z975 * (1 / Double(variant.successes) - 1 / n1 + 1 / Double(control.successes) - 1 / n0).squareRoot()
                liftInterval = (exp(logRatio - spread) - 1, exp(logRatio + spread) - 1)
            }
        }
        return Comparison(z: z, pValue: pValue, difference: difference,
                          differenceInterval: (difference - z975 * wald, difference + z975 * wald),
                          lift: lift, liftInterval: liftInterval)
    }

    /// Holm's step-down adjustment of `pValues` (family-wise error at any α), in their order.
    public static func holm(_ pValues: [Double]) -> [Double] {
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: pValues.count)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(pValues.count - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Pearson's χ² test of independence on a groups × {success, failure}
    /// table (no continuity correction): the statistic, its degrees of
    /// freedom and p-value; nil when fewer than two groups have trials or no
    /// expected count can be formed (every trial a success, or none).
    public static func chiSquare(_ groups: [Proportion]) -> (statistic: Double, degrees: Int, pValue: Double)? {
        let used = groups.filter { $0.trials > 0 }
        guard used.count >= 2 else { return nil }
        let total = Double(used.reduce(0) { $0 + $1.trials })
        let successes = Double(used.reduce(0) { $0 + $1.successes })
        let failures = total - successes
        guard successes > 0, failures > 0 else { return nil }
        var statistic = 0.0
        for group in used {
            let n = Double(group.trials)
            let expectedSuccesses = n * successes / total, expectedFailures = n * failures / total
            let s = Double(group.successes), f = n - s
            statistic += (s - expectedSuccesses) * (s - expectedSuccesses) / expectedSuccesses
            statistic += (f - expectedFailures) * (f - expectedFailures) / expectedFailures
        }
        let degrees = used.count - 1
        return (statistic, degrees, ChiSquareDistribution.survival(statistic, degrees: degrees))
    }

    /// The sample each of two equal groups needs for a two-sided test at
    /// `alpha` to find the difference between rates `p0` and `p1` with
    /// `power`: the normal test on Cohen's effect size h = 2·asin√p1 − 2·asin√p0
    /// (what statsmodels' `NormalIndPower` solves), both tails counted,
    /// rounded up; nil when the rates are equal or outside [0, 1].
    public static func sampleSize(_ p0: Double, _ p1: Double, alpha: Double = 0.05, power: Double = 0.8) -> Int? {
        guard p0 != p1, (0...1).contains(p0), (0...1).contains(p1) else { return nil }
        let h = abs(2 * asin(p1.squareRoot()) - 2 * asin(p0.squareRoot()))
        let critical = NormalDistribution.quantile(1 - alpha / 2)
        func powerAt(_ n: Double) -> Double {
            let shift = h * (n / 2).squareRoot()
            return NormalDistribution.survival(critical - shift) + NormalDistribution.cdf(-critical - shift)
        }
        var low = 1.0, high = 2.0
        while powerAt(high) < power {
            high *= 2
            if high > 1e15 { return nil }
        }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if powerAt(middle) < power { low = middle } else { high = middle }
        }
        return Int(high.rounded(.up))
    }
}

extension ExperimentStatistics {
    /// Which group leads and whether it is significantly better than every other.
    public struct Judgement: Sendable, Equatable {
        /// The group with the highest observed rate (the first of equals).
        public var leader: Int
        /// Whether the leader is better than each other group by a pooled
        /// z-test, Holm-adjusted across those comparisons, at `alpha`.
        public var significant: Bool
        /// The largest Holm-adjusted p-value of the leader's comparisons.
        public var pValueAdjusted: Double
    }

    /// Judges `groups` against each other (no control): nil when there are
    /// fewer than two, or one has no trials yet. A winner test declares the leader the winner only when
    /// `significant`, so two equal variants are called different in about
    /// `alpha` of experiments when it is looked at once (a winner test looks
    /// once, when its decision is due).
    public static func judge(_ groups: [Proportion], alpha: Double = 0.05) -> Judgement? {
        // A group without trials is not shown to be worse: nothing is judged until every one has some.
        guard groups.count >= 2, groups.allSatisfy({ $0.trials > 0 }) else { return nil }
        let used = Array(groups.indices)
        var leader = used[0]
        for index in used where (groups[index].rate ?? 0) > (groups[leader].rate ?? 0) { leader = index }
        let others = used.filter { $0 != leader }
        let comparisons = others.map { compare(groups[leader], to: groups[$0]) }
        let adjusted = holm(comparisons.map(\.pValue))
        let significant = zip(comparisons, adjusted).allSatisfy { ($0.difference ?? 0) > 0 && $1 < alpha }
        return Judgement(leader: leader, significant: significant, pValueAdjusted: adjusted.max() ?? 1)
    }
}
