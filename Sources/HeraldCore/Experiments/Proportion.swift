import Foundation

/// A count of successes out of trials (conversions out of delivered, clicks
/// out of delivered) and the 95 % Wilson score interval of its rate: the
/// interval that stays inside [0, 1] and keeps its coverage for small samples
/// and rates near 0, where the textbook (Wald) interval does not.
public struct Proportion: Sendable, Equatable {
    public let successes: Int
    public let trials: Int

    public init(successes: Int, trials: Int) {
        precondition(successes >= 0 && trials >= 0 && successes <= trials, "successes must be within 0…trials")
        self.successes = successes
        self.trials = trials
    }

    /// The rate, nil with no trials.
    public var rate: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }

    /// The Wilson score interval at `confidence` (two-sided); nil with no trials.
    public func wilson(confidence: Double = 0.95) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        let z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, center - half), min(1, center + half))
    }
}
