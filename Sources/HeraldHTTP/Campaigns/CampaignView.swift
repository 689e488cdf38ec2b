import Foundation
import HeraldCore
import HeraldRedis

/// `GET /v1/campaigns/{id}`: the definition, the state, every count the
/// funnel needs, the pace (configured and over the last minute), the next
/// window or batch when the campaign waits for one, and an estimate of when it ends.
struct CampaignView: Encodable {
    struct Window: Encodable {
        let days: String
        let from: String
        let to: String
    }

    struct Batch: Encodable {
        let at: String
        let percent: Int
    }

    struct Pacing: Encodable {
        let ratePerMinute: Int?
        let dailyCap: Int?
        let windows: [Window]
        let batches: [Batch]

        enum CodingKeys: String, CodingKey {
            case ratePerMinute = "rate_per_minute"
            case dailyCap = "daily_cap"
            case windows, batches
        }
    }

    struct Counts: Encodable {
        let recipients: Int
        let pending: Int
        let sending: Int
        let sent: Int
        let delivered: Int
        let undelivered: Int
        let failed: Int
        let suppressed: Int
        let expired: Int
        let canceled: Int
        let clicked: Int
        let duplicates: Int
        let rejected: Int
        let withheld: Int
    }

    struct Rate: Encodable {
        let configuredPerMinute: Int?
        let currentPerMinute: Int

        enum CodingKeys: String, CodingKey {
            case configuredPerMinute = "configured_per_minute"
            case currentPerMinute = "current_per_minute"
        }
    }

    let id: String
    let state: String
    let channel: String
    let category: String
    let template: String?
    let content: MessageContent?
    let variants: [CampaignVariant]?
    let holdoutPercent: Int?
    let pacing: Pacing
    let timezone: String
    let startAt: String?
    let endAt: String?
    let createdAt: String
    let startedAt: String?
    let completedAt: String?
    let canceledAt: String?
    let counts: Counts?
    let rate: Rate
    let nextWindowAt: String?
    let nextBatchAt: String?
    let estimatedCompletionAt: String?
    let winner: WinnerStatus?
    let conversion: Conversion?

    /// The conversion rules, as given.
    struct Conversion: Encodable {
        let events: [String]?
        let window: String
        let from: String
    }

    /// The winner test, as given.
    struct WinnerTest: Encodable {
        let metric: String
        let testPercent: Int
        let decideAfter: String
        let fallback: String

        enum CodingKeys: String, CodingKey {
            case metric, fallback
            case testPercent = "test_percent"
            case decideAfter = "decide_after"
        }
    }
    let winnerTest: WinnerTest?

    enum CodingKeys: String, CodingKey {
        case id, state, channel, category, template, content, variants, pacing, timezone, counts, rate
        case holdoutPercent = "holdout_percent"
        case startAt = "start_at"
        case endAt = "end_at"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case canceledAt = "canceled_at"
        case nextWindowAt = "next_window_at"
        case nextBatchAt = "next_batch_at"
        case estimatedCompletionAt = "estimated_completion_at"
        case winner, conversion
        case winnerTest = "winner_test"
    }

    /// The view of `record`; `stats` are its messages' counters (nil in a list, which reads none).
    init(_ record: CampaignRecord, stats: CampaignStats?, nowMillis: Int64) {
        let definition = record.definition
        let time = { (millis: Int64?) in millis.map { RFC3339.format(millis: $0) } }
        id = definition.id
        state = record.state.rawValue
        channel = definition.channel.rawValue
        category = definition.category.rawValue
        template = record.templateReference ?? definition.template
        content = definition.content
        variants = definition.variants.isEmpty ? nil : definition.variants.map { variant in
            var pinned = variant
            if let reference = record.variantTemplates[variant.name] { pinned.template = reference }
            return pinned
        }
        holdoutPercent = definition.holdoutPercent == 0 ? nil : definition.holdoutPercent
        pacing = Pacing(
            ratePerMinute: definition.ratePerMinute, dailyCap: definition.dailyCap,
            windows: definition.windows.map { Window(days: $0.daysText, from: $0.fromText, to: $0.toText) },
            batches: definition.batches.map { Batch(at: RFC3339.format(millis: $0.atMillis), percent: $0.percent) })
        timezone = definition.timezone
        startAt = time(definition.startAtMillis)
        endAt = time(definition.endAtMillis)
        createdAt = RFC3339.format(millis: record.createdAtMillis)
        startedAt = time(record.startedAtMillis)
        completedAt = time(record.completedAtMillis)
        canceledAt = time(record.canceledAtMillis)
        let pending = record.pending
        if let stats {
            let settled = stats.sent + stats.failed + stats.suppressed + stats.expired + stats.canceled
            counts = Counts(
                recipients: record.recipients, pending: pending,
                sending: max(0, record.released - record.releaseFailed - settled),
                sent: stats.sent, delivered: stats.delivered, undelivered: stats.undelivered,
                failed: stats.failed + record.releaseFailed, suppressed: stats.suppressed,
                expired: stats.expired + record.expired, canceled: stats.canceled + record.canceled,
                clicked: stats.clicked, duplicates: record.duplicates, rejected: record.rejected,
                withheld: record.withheld)
        } else {
            counts = nil
        }
        rate = Rate(configuredPerMinute: definition.ratePerMinute, currentPerMinute: record.releasedLastMinute)
        let waiting = !record.state.isFinal && pending > 0
        nextWindowAt = waiting ? time(Self.nextWindow(record, nowMillis: nowMillis)) : nil
        nextBatchAt = waiting ? time(definition.nextBatch(afterMillis: nowMillis)) : nil
        estimatedCompletionAt = time(Self.estimate(record, nowMillis: nowMillis))
        winner = WinnerStatus(record, nowMillis: nowMillis)
        conversion = definition.conversion.map {
            Conversion(events: $0.events, window: ISODuration.format(millis: $0.windowMillis), from: $0.from.rawValue)
        }
        winnerTest = definition.winnerTest.map {
            WinnerTest(metric: $0.metric.rawValue, testPercent: $0.testPercent,
                       decideAfter: ISODuration.format(millis: $0.decideAfterMillis), fallback: $0.fallback.rawValue)
        }
    }

    /// When the first zone with recipients pending opens, if none is open now.
    static func nextWindow(_ record: CampaignRecord, nowMillis: Int64) -> Int64? {
        let schedule = record.definition.schedule
        guard !schedule.isAlwaysOpen else { return nil }
        var soonest: Int64?
        for zone in record.pendingByZone.keys {
            guard let timeZone = TimeZone(identifier: zone),
                  let opening = schedule.nextOpening(afterMillis: nowMillis, in: timeZone)
            else { continue }
            if opening <= nowMillis { return nil }
            soonest = min(soonest ?? opening, opening)
        }
        return soonest
    }

    /// An estimate of when the last pending recipient is released: at the
    /// configured rate (else the last minute's), within the daily cap, and
    /// stretched by the share of the week the windows leave open. Nil when
    /// there is no pace to go by, or the campaign is not moving.
    static func estimate(_ record: CampaignRecord, nowMillis: Int64) -> Int64? {
        guard record.state == .running || record.state == .scheduled else { return nil }
        let pending = Double(record.pending)
        guard pending > 0 else { return nil }
        let definition = record.definition
        guard let perMinute = definition.ratePerMinute.map(Double.init)
            ?? (record.releasedLastMinute > 0 ? Double(record.releasedLastMinute) : nil)
        else { return nil }
        var minutes = pending / perMinute
        if let cap = definition.dailyCap { minutes = max(minutes, (pending / Double(cap)).rounded(.up) * 1440 - 1440) }
        let openMinutes = definition.windows.reduce(0) { $0 + $1.days.count * ($1.toMinute - $1.fromMinute) }
        if openMinutes > 0 { minutes *= 10_080 / Double(min(10_080, openMinutes)) }
        let start = max(nowMillis, definition.startAtMillis ?? 0)
        var end = start + Int64(minutes * 60_000)
        if let endAt = definition.endAtMillis { end = min(end, endAt) }
        return end
    }
}
