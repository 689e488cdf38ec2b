import Foundation

/// What a provider adapter needs to send one message: the recipient and the
/// rendered content, plus the ids providers use to deduplicate retries.
public struct OutboundMessage: Sendable, Equatable {
    public var id: String
    public var channel: Channel
    public var to: String
    public var body: String
    public var subject: String?
    public var title: String?
    public var dataJSON: String?
    public var category: MessageCategory
    /// 1 for the first attempt.
    public var attempt: Int
    public var idempotencyKey: String?
    /// The HTML alternative of an email.
    public var html: String?
    /// The recipient's IANA time zone, when the caller gave one: where quiet hours are reckoned.
    public var timezone: String?
    /// When the message stops being worth sending (`expires_at`), Unix milliseconds.
    public var expiresAtMillis: Int64?
    /// The caller's id for the person: whose frequency caps the message counts against.
    public var userID: String?
    /// The caller's campaign: a campaign may have frequency caps of its own.
    public var campaign: String?

    /// The caller's `data`, decoded; nil when there is none.
    public var data: JSONValue? {
        dataJSON.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }

    /// The fields of the caller's `data` object; empty when there is none.
    public var dataFields: [String: JSONValue] {
        if case .object(let fields)? = data { return fields }
        return [:]
    }

    public init(
        id: String, channel: Channel, to: String, body: String, subject: String? = nil, title: String? = nil,
        dataJSON: String? = nil, category: MessageCategory = .transactional, attempt: Int = 1,
        idempotencyKey: String? = nil, html: String? = nil, timezone: String? = nil, expiresAtMillis: Int64? = nil,
        userID: String? = nil, campaign: String? = nil
    ) {
        self.userID = userID
        self.campaign = campaign
        self.html = html
        self.timezone = timezone
        self.expiresAtMillis = expiresAtMillis
        self.id = id
        self.channel = channel
        self.to = to
        self.body = body
        self.subject = subject
        self.title = title
        self.dataJSON = dataJSON
        self.category = category
        self.attempt = attempt
        self.idempotencyKey = idempotencyKey
    }
}
