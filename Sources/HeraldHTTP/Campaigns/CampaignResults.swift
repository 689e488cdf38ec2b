import Foundation
import HeraldCore
import HeraldRedis

/// `GET /v1/campaigns/{id}/results`: per experiment group (each variant, or
/// the campaign's one content as `main`, the holdout, and after a winner
/// test the `rest`) what was assigned, sent, delivered, clicked and
/// converted; the metric's rate with its 95 % Wilson interval; each group
/// against the control (lift and its interval, a pooled two-proportion
/// z-test's p-value adjusted across groups by Holm); a χ² test across the
/// groups compared; the sample each group would need for the observed effect
/// at 80 % power; and the winner, decided or leading.
///
/// `click_rate` is human clicks per delivered message (previews are not
/// clicks), with the first variant as control: held-out people get nothing
/// to click. `conversion_rate` is people who converted per person assigned
/// (intent to treat; a person's several events count once), so the holdout
/// is the control when there is one.
struct CampaignResults: Encodable {
    struct Interval: Encodable {
        let low: Double
        let high: Double

        init?(_ bounds: (low: Double, high: Double)?) {
            guard let bounds else { return nil }
            low = bounds.low
            high = bounds.high
        }
    }

    struct Group: Encodable {
        let name: String
        let holdout: Bool
        let rest: Bool
        let weight: Int?
        let assigned: Int
        let sent: Int
        let delivered: Int
        let clicked: Int
        let suppressed: Int
        let failed: Int
        let converted: Int
        /// People with a counted conversion: the numerator of the conversion rates.
        let converters: Int
        let conversionValue: Double
        let clickRate: Double?
        let clickRateInterval: Interval?
        let deliveryRate: Double?
        let conversionRate: Double?
        let conversionRateAssigned: Double?
        let conversionRateInterval: Interval?
        let withheld: Int?

        enum CodingKeys: String, CodingKey {
            case name, holdout, rest, weight, assigned, sent, delivered, clicked, suppressed, failed, converted, converters, withheld
            case conversionValue = "conversion_value"
            case clickRate = "click_rate"
            case clickRateInterval = "click_rate_interval"
            case deliveryRate = "delivery_rate"
            case conversionRate = "conversion_rate"
            case conversionRateAssigned = "conversion_rate_assigned"
            case conversionRateInterval = "conversion_rate_interval"
        }

        /// The proportion `metric` compares.
        func proportion(_ metric: CampaignWinnerTest.Metric) -> Proportion {
            switch metric {
            case .clickRate: Proportion(successes: min(clicked, delivered), trials: delivered)
            case .conversionRate: Proportion(successes: min(converters, assigned), trials: assigned)
            }
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

    struct Winner: Encodable {
        let variant: String?
        let decided: Bool
        let decidedAt: String?
        let decidedBy: String?
        let reason: String
        let state: String?

        enum CodingKeys: String, CodingKey {
            case variant, decided, reason, state
            case decidedAt = "decided_at"
            case decidedBy = "decided_by"
        }
    }

    let campaign: String
    let metric: String
    let basis: String
    let alpha: Double
    let control: String?
    let groups: [Group]
    let comparisons: [Comparison]
    let chiSquare: ChiSquare?
    let winner: Winner
    /// The judgement of the variants against each other, for the winner test's decision.
    let judgement: ExperimentStatistics.Judgement?
    let variantNames: [String]

    enum CodingKeys: String, CodingKey {
        case campaign, metric, basis, alpha, control, groups, comparisons, winner
        case chiSquare = "chi_square"
    }

    static let alpha = 0.05

    /// The metric a campaign's results use unless the query names one.
    static func defaultMetric(_ definition: CampaignDefinition) -> CampaignWinnerTest.Metric {
        definition.winnerTest?.metric ?? (definition.conversion != nil ? .conversionRate : .clickRate)
    }

    /// The names whose counters `stats` must hold: each variant (or `main`), then `rest`.
    static func statsGroups(_ definition: CampaignDefinition) -> [String?] {
        let names = definition.variants.map(\.name)
        guard !names.isEmpty else { return [nil] }
        return names + (definition.winnerTest != nil ? [CampaignVariant.restName] : [])
    }

    /// The days (since 1970-01-01, UTC) a campaign's counters are read over:
    /// from its creation, at most `StatsController.maxDays` back, to today.
    static func statsDays(_ record: CampaignRecord, nowMillis: Int64) -> ClosedRange<Int> {
        let today = Int(nowMillis / 86_400_000)
        // An instance's clock may run ahead of this one's: a campaign made "tomorrow" reads today.
        let first = max(Int(record.createdAtMillis / 86_400_000), today - StatsController.maxDays + 1)
        return first...max(first, today)
    }

    /// The counters of every group of `record`, read in one request.
    static func load(_ record: CampaignRecord, stats: StatsStore, nowMillis: Int64) async throws -> [String: CampaignStats] {
        let groups = statsGroups(record.definition)
        let totals = try await stats.totals(campaign: record.definition.id, variants: groups,
                                            channel: record.definition.channel, days: statsDays(record, nowMillis: nowMillis))
        var byGroup: [String: CampaignStats] = [:]
        for (name, counts) in zip(groups, totals) { byGroup[name ?? CampaignVariant.mainGroupName] = counts }
        return byGroup
    }

    /// The results of `record` judged by `metric`, from each group's counters (`stats` by group name).
    init(_ record: CampaignRecord, stats: [String: CampaignStats], metric: CampaignWinnerTest.Metric, nowMillis: Int64) {
        let definition = record.definition
        campaign = definition.id
        self.metric = metric.rawValue
        basis = metric == .clickRate ? "delivered" : "assigned"
        alpha = Self.alpha
        var groups: [Group] = []
        var names = definition.variants.map(\.name)
        if names.isEmpty { names = [CampaignVariant.mainGroupName] }
        variantNames = names
        func group(_ name: String, holdout: Bool = false, rest: Bool = false) -> Group {
            var counts = stats[name] ?? CampaignStats()
            if holdout {
                counts.converted = record.holdoutConverted
                counts.converters = record.holdoutConverters
                counts.conversionValueMicros = record.holdoutValueMicros
            }
            let assigned = record.assigned[name] ?? 0
            let clicks = Proportion(successes: min(counts.clicked, counts.delivered), trials: counts.delivered)
            let conversions = Proportion(successes: min(counts.converters, assigned), trials: assigned)
            let perDelivered = counts.delivered > 0 ? Double(counts.converters) / Double(counts.delivered) : nil
            return Group(
                name: name, holdout: holdout, rest: rest, weight: definition.variants.first { $0.name == name }?.weight,
                assigned: assigned, sent: counts.sent, delivered: counts.delivered, clicked: counts.clicked,
                suppressed: counts.suppressed, failed: counts.failed, converted: counts.converted, converters: counts.converters,
                conversionValue: counts.conversionValue, clickRate: holdout ? nil : clicks.rate,
                clickRateInterval: holdout ? nil : Interval(clicks.wilson()), deliveryRate: counts.deliveryRate,
                conversionRate: holdout ? nil : perDelivered, conversionRateAssigned: conversions.rate,
                conversionRateInterval: Interval(conversions.wilson()), withheld: rest ? record.withheld : nil)
        }
        for name in names { groups.append(group(name)) }
        if definition.holdoutPercent > 0 { groups.append(group(CampaignVariant.holdoutName, holdout: true)) }
        if definition.winnerTest != nil, record.decision != nil || record.assigned[CampaignVariant.restName] != nil {
            groups.append(group(CampaignVariant.restName, rest: true))
        }
        self.groups = groups
        let variants = groups.filter { !$0.holdout && !$0.rest }
        // The groups compared: the variants, and for conversions the holdout, which is then the control.
        var compared = variants
        if metric == .conversionRate, let holdout = groups.first(where: \.holdout) { compared.insert(holdout, at: 0) }
        let proportions = compared.map { $0.proportion(metric) }
        control = compared.count > 1 ? compared[0].name : nil
        var comparisons: [Comparison] = []
        if compared.count > 1 {
            let raw = proportions.dropFirst().map { ExperimentStatistics.compare($0, to: proportions[0]) }
            let adjusted = ExperimentStatistics.holm(raw.map(\.pValue))
            for (offset, (result, pAdjusted)) in zip(raw, adjusted).enumerated() {
                let variant = proportions[offset + 1]
                comparisons.append(Comparison(
                    variant: compared[offset + 1].name, control: compared[0].name, difference: result.difference,
                    differenceInterval: Interval(result.differenceInterval), lift: result.lift,
                    liftInterval: Interval(result.liftInterval), z: result.z, pValue: result.pValue,
                    pValueAdjusted: pAdjusted, significant: pAdjusted < Self.alpha,
                    sampleNeededPerGroup: proportions[0].rate.flatMap { control in
                        variant.rate.flatMap { ExperimentStatistics.sampleSize(control, $0) }
                    }))
            }
        }
        self.comparisons = comparisons
        chiSquare = ExperimentStatistics.chiSquare(proportions).map {
            ChiSquare(statistic: $0.statistic, degrees: $0.degrees, pValue: $0.pValue)
        }
        let judgement = ExperimentStatistics.judge(variants.map { $0.proportion(metric) }, alpha: Self.alpha)
        self.judgement = judgement
        let status = WinnerStatus(record, nowMillis: nowMillis)
        if let decision = record.decision {
            winner = Winner(variant: decision.variant, decided: true, decidedAt: RFC3339.format(millis: decision.atMillis),
                            decidedBy: decision.by, reason: decision.reason, state: status?.state)
        } else {
            let leader = judgement.map { names[$0.leader] }
            winner = Winner(variant: judgement?.significant == true ? leader : nil, decided: false, decidedAt: nil,
                            decidedBy: nil, reason: Self.reason(judgement, names: names, metric: metric), state: status?.state)
        }
    }

    /// Why the variants' leader is, or is not yet, a winner.
    static func reason(_ judgement: ExperimentStatistics.Judgement?, names: [String], metric: CampaignWinnerTest.Metric) -> String {
        guard names.count > 1 else { return "the campaign has no variants to compare" }
        guard let judgement else {
            return "too few results yet: a variant has no \(metric == .clickRate ? "delivered message" : "assigned person") so far"
        }
        let p = String(format: "%.4g", judgement.pValueAdjusted)
        if judgement.significant {
            return "\(names[judgement.leader]) has the highest \(metric.rawValue) and is significantly better than every "
                + "other variant (largest Holm-adjusted p = \(p) < \(alpha))"
        }
        return "no variant is significantly better than every other: the leader \(names[judgement.leader]) has "
            + "Holm-adjusted p = \(p) ≥ \(alpha); more data may tell"
    }

    /// One line per group: the CSV form.
    var csv: String {
        var lines = ["group,holdout,assigned,sent,delivered,clicked,click_rate,click_rate_low,click_rate_high,lift,p_value_adjusted,"
            + "converted,conversion_value,conversion_rate_assigned"]
        let number = { (value: Double?, format: String) in value.map { String(format: format, $0) } ?? "" }
        for group in groups {
            let comparison = comparisons.first { $0.variant == group.name }
            let cells: [String] = [
                group.name, String(group.holdout), String(group.assigned), String(group.sent), String(group.delivered),
                String(group.clicked), number(group.clickRate, "%.6f"), number(group.clickRateInterval?.low, "%.6f"),
                number(group.clickRateInterval?.high, "%.6f"), number(comparison?.lift, "%.6f"),
                number(comparison?.pValueAdjusted, "%.6g"), String(group.converted),
                String(format: "%.6f", group.conversionValue), number(group.conversionRateAssigned, "%.6f"),
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
