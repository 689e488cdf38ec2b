/// The body of `POST /v1/campaigns` as decoded, before validation: every
/// field optional, so that `CampaignDefinition.validate` names what is
/// missing or wrong.
public struct CampaignRequest: Sendable, Decodable {
    public var id: String?
    public var channel: String?
    public var category: String?
    public var template: String?
    public var content: MessageContent?
    public var pacing: Pacing?
    public var timezone: String?
    public var startAt: String?
    public var endAt: String?
    /// A/B variants instead of `template`/`content`.
    public var variants: [Variant]?
    /// The share (0–50) of the audience held out: never sent, counted as the control.
    public var holdoutPercent: Int?
    /// Which conversions count, and for how long after a message.
    public var conversion: Conversion?
    /// The winner test: a share first, the best variant to the rest.
    public var winner: Winner?

    /// `{"events":["purchase"],"window":"P3D","from":"delivered"}`.
    public struct Conversion: Sendable, Decodable {
        public var events: [String]?
        public var window: String?
        public var from: String?
    }

    /// `{"metric":"click_rate","test_percent":20,"decide_after":"PT4H","fallback":"best"}`.
    public struct Winner: Sendable, Decodable {
        public var metric: String?
        public var testPercent: Int?
        public var decideAfter: String?
        public var fallback: String?

        enum CodingKeys: String, CodingKey {
            case metric, fallback
            case testPercent = "test_percent"
            case decideAfter = "decide_after"
        }
    }

    /// `{"name":"A","template":"spring_a","weight":50}` or with `content`.
    public struct Variant: Sendable, Decodable {
        public var name: String?
        public var template: String?
        public var content: MessageContent?
        public var weight: Int?
    }

    /// How fast, when and in what parts the audience is sent.
    public struct Pacing: Sendable, Decodable {
        public var ratePerMinute: Int?
        public var dailyCap: Int?
        public var windows: [Window]?
        public var batches: [Batch]?

        enum CodingKeys: String, CodingKey {
            case ratePerMinute = "rate_per_minute"
            case dailyCap = "daily_cap"
            case windows, batches
        }
    }

    /// `{"days":"mon-fri","from":"09:00","to":"20:00"}`.
    public struct Window: Sendable, Decodable {
        public var days: String?
        public var from: String?
        public var to: String?
    }

    /// `{"at": RFC 3339, "percent": n}`.
    public struct Batch: Sendable, Decodable {
        public var at: String?
        public var percent: Int?
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, category, template, content, pacing, timezone
        case startAt = "start_at"
        case endAt = "end_at"
        case variants
        case holdoutPercent = "holdout_percent"
        case conversion, winner
    }
}
