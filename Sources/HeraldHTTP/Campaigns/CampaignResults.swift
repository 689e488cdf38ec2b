import Foundation
import HeraldCore
import HeraldRedis

/// `GET /v1/campaigns/{id}/results`: per experiment group (each variant, or
/// the campaign's one content as `main`, and the holdout) what was assigned,
/// sent, delivered and clicked, the metric's rate with its 95 % Wilson
/// interval, each group against the control (lift and its interval, a
/// pooled two-proportion z-test's p-value adjusted across groups by Holm),
/// a χ² test across the variants, and the sample each group would need for
/// the observed effect at 80 % power. The metric is `click_rate` (human
/// clicks per delivered; previews are not clicks); the control is the first
/// variant, since held-out people get no message to click.
struct CampaignResults: Encodable {
    struct Interval: Encodable {
        let low: Double
        let high: Double
    }

    struct Group: Encodable {
        let name: String
        let holdout: Bool
        let weight: Int?
        let assigned: Int
        let sent: Int
        let delivered: Int
        let clicked: Int
        let suppressed: Int
        let failed: Int
        let clickRate: Double?
        let clickRateInterval: Interval?
        let deliveryRate: Double?

        enum CodingKeys: String, CodingKey {
            case name, holdout, weight, assigned, sent, delivered, clicked, suppressed, failed
            case clickRate = "click_rate"
            case clickRateInterval = "click_rate_interval"
            case deliveryRate = "delivery_rate"
        }
    }

    struct Comparison: Encodable {
        let variant: String
        let control: String
        let difference: Double?
        let differenceInterval: Interval?
        let lift: Double?
        let liftInterval: Interval?
        let z: Double?
        let pValue: Double
        let pValueAdjusted: Double
        let significant: Bool
        let sampleNeededPerGroup: Int?

        enum CodingKeys: String, CodingKey {
            case variant, control, difference, lift, z, significant
            case differenceInterval = "difference_interval"
            case liftInterval = "lift_interval"
            case pValue = "p_value"
            case pValueAdjusted = "p_value_adjusted"
            case sampleNeededPerGroup = "sample_needed_per_group"
        }
    }

    struct ChiSquare: Encodable {
        let statistic: Double
        let degrees: Int
        let pValue: Double

        enum CodingKeys: String, CodingKey {
            case statistic, degrees
            case pValue = "p_value"
        }
    }

    struct Leader: Encodable {
        let variant: String?
        let reason: String
    }

    let campaign: String
    let metric: String
    let alpha: Double
    let control: String?
    let groups: [Group]
    let comparisons: [Comparison]
    let chiSquare: ChiSquare?
    let winner: Leader

    enum CodingKeys: String, CodingKey {
        case campaign, metric, alpha, control, groups, comparisons, winner
        case chiSquare = "chi_square"
    }

    static let alpha = 0.05

    /// The results of `record`, from each group's counters (`stats` by group name).
    init(_ record: CampaignRecord, stats: [String: CampaignStats]) {
        let definition = record.definition
        campaign = definition.id
        metric = "click_rate"
        alpha = Self.alpha
        var groups: [Group] = []
        var names = definition.variants.map(\.name)
        if names.isEmpty { names = [CampaignVariant.mainGroupName] }
        for name in names {
            let counts = stats[name] ?? CampaignStats()
            let clicks = Proportion(successes: min(counts.clicked, counts.delivered), trials: counts.delivered)
            groups.append(Group(
                name: name, holdout: false, weight: definition.variants.first { $0.name == name }?.weight,
                assigned: record.assigned[name] ?? 0, sent: counts.sent, delivered: counts.delivered,
                clicked: counts.clicked, suppressed: counts.suppressed, failed: counts.failed,
                clickRate: clicks.rate, clickRateInterval: clicks.wilson().map { Interval(low: $0.low, high: $0.high) },
                deliveryRate: counts.deliveryRate))
        }
        if definition.holdoutPercent > 0 {
            groups.append(Group(
                name: CampaignVariant.holdoutName, holdout: true, weight: nil,
                assigned: record.assigned[CampaignVariant.holdoutName] ?? 0, sent: 0, delivered: 0, clicked: 0,
                suppressed: 0, failed: 0, clickRate: nil, clickRateInterval: nil, deliveryRate: nil))
        }
        self.groups = groups
        let treated = groups.filter { !$0.holdout }
        let proportions = treated.map { Proportion(successes: min($0.clicked, $0.delivered), trials: $0.delivered) }
        control = treated.count > 1 ? treated[0].name : nil
        var comparisons: [Comparison] = []
        if treated.count > 1 {
            let raw = proportions.dropFirst().map { ExperimentStatistics.compare($0, to: proportions[0]) }
            let adjusted = ExperimentStatistics.holm(raw.map(\.pValue))
            for (offset, (result, pAdjusted)) in zip(raw, adjusted).enumerated() {
                let variant = proportions[offset + 1]
                comparisons.append(Comparison(
                    variant: treated[offset + 1].name, control: treated[0].name, difference: result.difference,
                    differenceInterval: result.differenceInterval.map { Interval(low: $0.low, high: $0.high) },
                    lift: result.lift, liftInterval: result.liftInterval.map { Interval(low: $0.low, high: $0.high) },
                    z: result.z, pValue: result.pValue, pValueAdjusted: pAdjusted, significant: pAdjusted < Self.alpha,
                    sampleNeededPerGroup: proportions[0].rate.flatMap { control in
                        variant.rate.flatMap { ExperimentStatistics.sampleSize(control, $0) }
                    }))
            }
        }
        self.comparisons = comparisons
        chiSquare = ExperimentStatistics.chiSquare(proportions).map {
            ChiSquare(statistic: $0.statistic, degrees: $0.degrees, pValue: $0.pValue)
        }
        winner = Self.leader(treated: treated, comparisons: comparisons)
    }

    /// Which variant leads, if one is significantly better than the control
    /// and than every other variant that is; else why none does. (Choosing a
    /// winner at `decide_after` and sending it to the rest is not built yet.)
    static func leader(treated: [Group], comparisons: [Comparison]) -> Leader {
        guard treated.count > 1 else { return Leader(variant: nil, reason: "the campaign has no variants to compare") }
        let better = comparisons.filter { $0.significant && ($0.difference ?? 0) > 0 }
        let worse = comparisons.filter { $0.significant && ($0.difference ?? 0) < 0 }
        if better.isEmpty {
            if worse.count == comparisons.count {
                return Leader(variant: treated[0].name, reason: "every other variant is significantly worse than the control "
                    + "(Holm-adjusted p < \(alpha))")
            }
            return Leader(variant: nil, reason: "no variant differs significantly from the control "
                + "(Holm-adjusted p < \(alpha)); more data may tell")
        }
        let best = better.max { ($0.difference ?? 0) < ($1.difference ?? 0) }!
        return Leader(variant: best.variant, reason: "significantly better than the control \(best.control) "
            + "(Holm-adjusted p = \(String(format: "%.4g", best.pValueAdjusted)), the largest such lift)")
    }

    /// One line per group: the CSV form.
    var csv: String {
        var lines = ["group,holdout,assigned,sent,delivered,clicked,click_rate,click_rate_low,click_rate_high,lift,p_value_adjusted"]
        for group in groups {
            let comparison = comparisons.first { $0.variant == group.name }
            let cells: [String] = [
                group.name, String(group.holdout), String(group.assigned), String(group.sent), String(group.delivered),
                String(group.clicked), group.clickRate.map { String(format: "%.6f", $0) } ?? "",
                group.clickRateInterval.map { String(format: "%.6f", $0.low) } ?? "",
                group.clickRateInterval.map { String(format: "%.6f", $0.high) } ?? "",
                comparison?.lift.map { String(format: "%.6f", $0) } ?? "",
                comparison.map { String(format: "%.6g", $0.pValueAdjusted) } ?? "",
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
