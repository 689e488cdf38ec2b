/// A campaign's winner test: a test share of the audience gets the variants
/// first; `decideAfterMillis` after that share is all released, the variant
/// significantly better than the others goes to the rest, and `fallback`
/// says what happens when none is.
public struct CampaignWinnerTest: Sendable, Equatable, Codable {
    /// The rate variants are judged by.
    public enum Metric: String, Sendable, Codable, CaseIterable {
        case clickRate = "click_rate"
        case conversionRate = "conversion_rate"
    }

    /// What happens when no variant is significantly better.
    public enum Fallback: String, Sendable, Codable, CaseIterable {
        /// The variant with the highest observed rate goes to the rest.
        case best
        /// The rest gets nothing; they are counted withheld.
        case stop
        /// The rest waits for `POST /v1/campaigns/{id}/winner`.
        case manual
    }

    public var metric: Metric
    public var testPercent: Int
    public var decideAfterMillis: Int64
    public var fallback: Fallback

    public static let minDecideAfterMillis: Int64 = 1_000
    public static let maxDecideAfterMillis: Int64 = 30 * 86_400_000

    public init(metric: Metric, testPercent: Int, decideAfterMillis: Int64, fallback: Fallback) {
        self.metric = metric
        self.testPercent = testPercent
        self.decideAfterMillis = decideAfterMillis
        self.fallback = fallback
    }

    /// Whether `person` is in the test share: a slice of their number other
    /// than the one that chose their variant, so the test is a fair sample of
    /// every variant.
    public func isTest(_ person: UInt64) -> Bool { Int(person / 10_000 % 100) < testPercent }

    static func validate(_ body: CampaignRequest.Winner, variants: Int) throws(APIError) -> CampaignWinnerTest {
        guard variants >= 2 else { throw .invalid("winner", "a winner test needs at least two variants") }
        var metric = Metric.clickRate
        if let name = body.metric {
            guard let parsed = Metric(rawValue: name) else {
                throw .invalid("winner.metric", "winner.metric must be click_rate or conversion_rate")
            }
            metric = parsed
        }
        let share = body.testPercent ?? 20
        guard (1...99).contains(share) else { throw .invalid("winner.test_percent", "winner.test_percent must be 1–99") }
        var after: Int64 = 4 * 3_600_000
        if let text = body.decideAfter {
            guard let millis = ISODuration.millis(text) else {
                throw .invalid("winner.decide_after", "winner.decide_after must be an ISO 8601 duration such as PT4H")
            }
            after = millis
        }
        guard after >= minDecideAfterMillis, after <= maxDecideAfterMillis else {
            throw .invalid("winner.decide_after", "winner.decide_after must be PT1S–P30D")
        }
        var fallback = Fallback.manual
        if let name = body.fallback {
            guard let parsed = Fallback(rawValue: name) else {
                throw .invalid("winner.fallback", "winner.fallback must be best, stop or manual")
            }
            fallback = parsed
        }
        return CampaignWinnerTest(metric: metric, testPercent: share, decideAfterMillis: after, fallback: fallback)
    }
}
