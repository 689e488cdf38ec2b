import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `GET /v1/stats?campaign=…&variant=…&channel=…&template=…&day=…` (or `from`/`to`):
/// counts by status, segments, delivery and click rates, unsubscribes and
/// fatigue suppressions, from counters the transition scripts keep as events
/// happen. Days are UTC days of acceptance. `format=csv` gives the rows as CSV.
struct StatsController: Sendable {
    let store: StatsStore

    /// The longest range one call may read.
    static let maxDays = 366

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.get("stats", use: show)
    }

    struct Report: Encodable {
        let campaign: String?
        let channel: String?
        let template: String?
        let from: String
        let to: String
        let totals: CampaignStats
        let byChannel: [String: CampaignStats]
        let byTemplate: [String: CampaignStats]
        let byDay: [String: CampaignStats]

        enum CodingKeys: String, CodingKey {
            case campaign, channel, template, from, to, totals
            case byChannel = "by_channel"
            case byTemplate = "by_template"
            case byDay = "by_day"
        }
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let campaign = query["campaign"].map(String.init)
        if let campaign, campaign.isEmpty || campaign.count > MessageLimits.maxTagCharacters {
            throw APIError.invalid("campaign", "campaign must be 1–\(MessageLimits.maxTagCharacters) characters")
        }
        let channel = try query["channel"].map { (name) throws(APIError) -> String in
            guard Channel(rawValue: String(name)) != nil else {
                throw APIError.invalid("channel", "unknown channel '\(name.prefix(32))'", code: "unknown_channel")
            }
            return String(name)
        }
        let template = query["template"].map(String.init)
        // A campaign's A/B variant: its messages alone.
        let variant = query["variant"].map(String.init)
        if let variant {
            guard campaign != nil else { throw APIError.invalid("variant", "variant needs campaign") }
            guard CampaignVariant.isValidName(variant) || variant == CampaignVariant.restName else {
                throw APIError.invalid("variant", "variant is 1–32 characters of A–Z, a–z, 0–9, _ and -")
            }
        }
        let days = try Self.days(query)
        let format = query["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.invalid("format", "format must be json or csv") }

        var totals = CampaignStats()
        var byChannel: [String: CampaignStats] = [:]
        var byTemplate: [String: CampaignStats] = [:]
        var byDay: [String: CampaignStats] = [:]
        var rows: [String: CampaignStats] = [:]
        let channels = channel.flatMap { Channel(rawValue: $0) }.map { [$0] } ?? Channel.allCases
        for row in try await store.rows(campaign: campaign, variant: variant, channels: channels, days: days) {
            if let channel, row.channel != channel { continue }
            if let template, row.template != template { continue }
            totals.add(row.counter, row.value)
            byChannel[row.channel, default: CampaignStats()].add(row.counter, row.value)
            byTemplate[row.template, default: CampaignStats()].add(row.counter, row.value)
            byDay[UTCDay.format(row.day), default: CampaignStats()].add(row.counter, row.value)
            rows[UTCDay.format(row.day) + "," + row.channel + "," + Self.csvField(row.template), default: CampaignStats()]
                .add(row.counter, row.value)
        }
        if format == "csv" {
            var csv = (["day", "channel", "template"] + CampaignStats.csvColumns).joined(separator: ",") + "\r\n"
            for key in rows.keys.sorted() { csv += key + "," + rows[key]!.csvValues.joined(separator: ",") + "\r\n" }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8; header=present"],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        return JSONResponse.encode(.ok, Report(
            campaign: campaign, channel: channel, template: template, from: UTCDay.format(days.lowerBound),
            to: UTCDay.format(days.upperBound), totals: totals, byChannel: byChannel, byTemplate: byTemplate, byDay: byDay))
    }

    /// `day`, or `from`…`to` (each defaulting to the other, or to today), at most `maxDays` long.
    static func days(_ query: Hummingbird.Parameters) throws(APIError) -> ClosedRange<Int> {
        func day(_ name: String) throws(APIError) -> Int? {
            guard let text = query[Substring(name)] else { return nil }
            guard let day = UTCDay.parse(String(text)) else {
                throw APIError.invalid(name, "\(name) must be a date such as 2026-11-29")
            }
            return day
        }
        let today = UTCDay.of(millis: WallClock.nowMillis())
        if let single = try day("day") { return single...single }
        let to = try day("to") ?? today
        let from = try day("from") ?? min(to, today)
        guard from <= to else { throw APIError.invalid("from", "from must not be after to") }
        guard to - from < maxDays else { throw APIError.invalid("from", "a stats range is at most \(maxDays) days") }
        return from...to
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
