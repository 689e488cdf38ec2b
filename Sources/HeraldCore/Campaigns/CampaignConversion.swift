/// Which conversions a campaign counts, and for how long after a message:
/// the events it counts (nil: every event), the window, and whether the
/// window opens at delivery or at the first human click.
public struct CampaignConversion: Sendable, Equatable, Codable {
    /// When a message's conversion window opens.
    public enum Start: String, Sendable, Codable, CaseIterable {
        /// At the delivery receipt; at `sent_at` while no receipt said otherwise.
        case delivered
        /// At the message's first human click.
        case clicked
    }

    public var events: [String]?
    public var windowMillis: Int64
    public var from: Start

    public static let defaultWindowMillis: Int64 = 3 * 86_400_000
    public static let maxWindowMillis: Int64 = 90 * 86_400_000
    public static let minWindowMillis: Int64 = 60_000
    public static let maxEvents = 20
    /// What a campaign without a `conversion` block counts: every event, three days from delivery.
    public static let standard = CampaignConversion(events: nil, windowMillis: defaultWindowMillis, from: .delivered)

    public init(events: [String]?, windowMillis: Int64, from: Start) {
        self.events = events
        self.windowMillis = windowMillis
        self.from = from
    }

    /// Whether the campaign counts `event`.
    public func counts(_ event: String) -> Bool { events.map { $0.contains(event) } ?? true }

    /// Whether `name` may name an event: `[A-Za-z0-9_.:-]{1,64}`.
    public static func isValidEvent(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E || $0 == 0x3A
        }
    }

    /// Checks a `conversion` block; `maxWindowMillis` is also bounded by how
    /// long the gateway keeps a message, since the message is what a
    /// conversion is attributed from.
    static func validate(_ body: CampaignRequest.Conversion, messageRetentionMillis: Int64) throws(APIError)
        -> CampaignConversion
    {
        var events: [String]?
        if let given = body.events {
            guard (1...maxEvents).contains(given.count) else {
                throw .invalid("conversion.events", "conversion.events lists 1–\(maxEvents) event names")
            }
            for (index, event) in given.enumerated() where !isValidEvent(event) {
                throw .invalid("conversion.events[\(index)]", "an event name is 1–64 characters of A–Z, a–z, 0–9, _ . : and -")
            }
            events = Array(Set(given)).sorted()
        }
        var window = defaultWindowMillis
        if let text = body.window {
            guard let millis = ISODuration.millis(text) else {
                throw .invalid("conversion.window", "conversion.window must be an ISO 8601 duration of days and time, such as P3D or PT12H")
            }
            window = millis
        }
        guard window >= minWindowMillis, window <= maxWindowMillis else {
            throw .invalid("conversion.window", "conversion.window must be PT1M–P90D")
        }
        let kept = messageRetentionMillis - 86_400_000
        guard window <= kept else {
            throw .invalid("conversion.window", "conversion.window \(ISODuration.format(millis: window)) is longer than this "
                + "gateway keeps a message after it ends, less a day (\(ISODuration.format(millis: max(0, kept)))); "
                + "raise HERALD_MESSAGE_TTL_SECONDS to count longer windows")
        }
        var from = Start.delivered
        if let name = body.from {
            guard let parsed = Start(rawValue: name) else {
                throw .invalid("conversion.from", "conversion.from must be delivered or clicked")
            }
            from = parsed
        }
        return CampaignConversion(events: events, windowMillis: window, from: from)
    }
}
