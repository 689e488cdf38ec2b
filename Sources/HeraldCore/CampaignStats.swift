import Foundation

/// Counts of messages by what happened to them, as `GET /v1/stats` reports
/// them for a campaign (or for all traffic), with the two rates marketers
/// read: delivery rate = delivered / sent and click rate = clicked / delivered.
public struct CampaignStats: Sendable, Equatable, Encodable {
    public var accepted = 0
    public var sent = 0
    public var delivered = 0
    public var undelivered = 0
    public var failed = 0
    public var suppressed = 0
    public var expired = 0
    public var canceled = 0
    public var clicked = 0
    /// SMS parts accepted (what carriers bill).
    public var segments = 0
    /// Recipients who opted out in reply to, or through a link of, these messages.
    public var unsubscribes = 0
    /// Suppressions by reason: fatigue, unsubscribed, invalid_recipient, …
    public var suppressedByReason: [String: Int] = [:]
    /// Conversions counted (once per event, person and campaign).
    public var converted = 0
    /// People with at least one counted conversion: what a conversion rate compares.
    public var converters = 0
    /// Conversion values in millionths by currency (`-` for values without one).
    public var conversionValueMicros: [String: Int] = [:]

    public init() {}

    /// Every conversion value added up, whatever its currency.
    public var conversionValue: Double { Double(conversionValueMicros.values.reduce(0, +)) / 1_000_000 }
    public var conversionRate: Double? { delivered > 0 ? Double(converted) / Double(delivered) : nil }

    public var fatigueSuppressions: Int { suppressedByReason["fatigue"] ?? 0 }
    public var deliveryRate: Double? { sent > 0 ? Double(delivered) / Double(sent) : nil }
    public var clickRate: Double? { delivered > 0 ? Double(clicked) / Double(delivered) : nil }

    /// Adds one stored counter (`accepted`, `suppressed:fatigue`, …); unknown names are ignored.
    public mutating func add(_ counter: String, _ value: Int) {
        if counter.hasPrefix("suppressed:") {
            suppressedByReason[String(counter.dropFirst(11)), default: 0] += value
            return
        }
        if counter.hasPrefix("conversion_value:") {
            conversionValueMicros[String(counter.dropFirst(17)), default: 0] += value
            return
        }
        switch counter {
        case "accepted": accepted += value
        case "sent": sent += value
        case "delivered": delivered += value
        case "undelivered": undelivered += value
        case "failed": failed += value
        case "suppressed": suppressed += value
        case "expired": expired += value
        case "canceled": canceled += value
        case "clicked": clicked += value
        case "segments": segments += value
        case "unsubscribed": unsubscribes += value
        case "converted": converted += value
        case "converters": converters += value
        default: break
        }
    }

    enum CodingKeys: String, CodingKey {
        case accepted, sent, delivered, undelivered, failed, suppressed, expired, canceled, clicked, segments
        case unsubscribes
        case suppressedByReason = "suppressed_by_reason"
        case fatigueSuppressions = "fatigue_suppressions"
        case deliveryRate = "delivery_rate"
        case clickRate = "click_rate"
        case converted, converters
        case conversionValue = "conversion_value"
        case conversionValueByCurrency = "conversion_value_by_currency"
        case conversionRate = "conversion_rate"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [(CodingKeys.accepted, accepted), (.sent, sent), (.delivered, delivered),
                             (.undelivered, undelivered), (.failed, failed), (.suppressed, suppressed),
                             (.expired, expired), (.canceled, canceled), (.clicked, clicked), (.segments, segments),
                             (.unsubscribes, unsubscribes), (.fatigueSuppressions, fatigueSuppressions)]
        {
            try container.encode(value, forKey: key)
        }
        try container.encode(suppressedByReason, forKey: .suppressedByReason)
        try container.encode(deliveryRate, forKey: .deliveryRate)
        try container.encode(clickRate, forKey: .clickRate)
        try container.encode(converted, forKey: .converted)
        try container.encode(converters, forKey: .converters)
        try container.encode(conversionValue, forKey: .conversionValue)
        try container.encode(conversionValueMicros.mapValues { Double($0) / 1_000_000 }, forKey: .conversionValueByCurrency)
        try container.encode(conversionRate, forKey: .conversionRate)
    }

    /// The CSV columns after the grouping ones, in order.
    public static let csvColumns = ["accepted", "sent", "delivered", "undelivered", "failed", "suppressed", "expired",
                                    "canceled", "clicked", "segments", "unsubscribes", "fatigue_suppressions",
                                    "delivery_rate", "click_rate", "converted", "conversion_value", "conversion_rate"]

    public var csvValues: [String] {
        let counts: [Int] = [accepted, sent, delivered, undelivered, failed, suppressed, expired, canceled, clicked, segments,
                             unsubscribes, fatigueSuppressions]
        var values = counts.map(String.init)
        for rate in [deliveryRate, clickRate] { values.append(rate.map { String(format: "%.4f", $0) } ?? "") }
        values.append(String(converted))
        values.append(String(format: "%.6f", conversionValue))
        values.append(conversionRate.map { String(format: "%.4f", $0) } ?? "")
        return values
    }
}
