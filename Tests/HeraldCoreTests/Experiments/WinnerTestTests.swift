import Foundation
import HeraldCore
import Testing

@Suite("Winner test")
struct WinnerTestTests {
    /// 20,000 simulated recipients split evenly between two variants whose
    /// true rates are `rates`: the successes each variant saw.
    static func simulate(seed: UInt64, rates: (Double, Double), recipients: Int = 20_000) -> [Proportion] {
        var generator = SplitMix64(seed: seed)
        var successes = [0, 0]
        for index in 0..<recipients {
            let variant = index % 2
            if Double.random(in: 0..<1, using: &generator) < (variant == 0 ? rates.0 : rates.1) { successes[variant] += 1 }
        }
        return [Proportion(successes: successes[0], trials: recipients / 2),
                Proportion(successes: successes[1], trials: recipients / 2)]
    }

    @Test("two identical variants on 20,000 recipients: no winner in at least 94 of 100 seeded runs (α = 0.05)")
    func identicalVariants() throws {
        var winners = 0
        for seed in 1...100 {
            let judgement = try #require(ExperimentStatistics.judge(Self.simulate(seed: UInt64(seed), rates: (0.10, 0.10))))
            if judgement.significant { winners += 1 }
        }
        #expect(winners <= 6, "\(winners) of 100 runs declared a winner")
    }

    @Test("a two-point lift (10 % to 12 %) on 20,000 recipients is found, and the better variant wins")
    func twoPointLift() throws {
        for seed in 1...20 {
            let judgement = try #require(ExperimentStatistics.judge(Self.simulate(seed: UInt64(seed), rates: (0.10, 0.12))))
            #expect(judgement.significant, "seed \(seed): p = \(judgement.pValueAdjusted)")
            #expect(judgement.leader == 1)
        }
    }

    @Test("the leader must beat every other variant: a third as good as the leader leaves no winner")
    func mustBeatEveryOther() throws {
        let groups = [Proportion(successes: 1_000, trials: 10_000), Proportion(successes: 1_200, trials: 10_000),
                      Proportion(successes: 1_190, trials: 10_000)]
        let judgement = try #require(ExperimentStatistics.judge(groups))
        #expect(judgement.leader == 1)
        #expect(!judgement.significant)
        #expect(ExperimentStatistics.judge([Proportion(successes: 5, trials: 10), Proportion(successes: 0, trials: 0)]) == nil)
        #expect(ExperimentStatistics.judge([Proportion(successes: 900, trials: 1_000), Proportion(successes: 1, trials: 1_000),
                                            Proportion(successes: 0, trials: 0)]) == nil, "a variant no one got is not beaten")
    }

    @Test("the test share is sticky and within a point of test_percent at 100,000 people")
    func testShare() {
        let test = CampaignWinnerTest(metric: .clickRate, testPercent: 20, decideAfterMillis: 3_600_000, fallback: .best)
        let fingerprints = RecipientFingerprint(key: Data(repeating: 3, count: 32))
        var inTest = 0
        for index in 0..<100_000 where test.isTest(fingerprints.person("u:\(index)", scope: "campaign:w")) { inTest += 1 }
        #expect(abs(Double(inTest) / 100_000 - 0.20) <= 0.01)
    }
}
