/// The JSON a caller posts to `POST /v1/messages` (DESIGN §5), as decoded
/// before validation. Every field is optional here so that validation, not the
/// decoder, decides which absences are errors and how they are reported.
public struct MessageRequest: Sendable, Decodable {
    public var channel: String?
    public var to: String?
    public var template: String?
    public var locale: String?
    public var content: MessageContent?
    public var data: [String: JSONValue]?
    public var category: String?
    public var priority: String?
    public var campaign: String?
    public var userID: String?
    public var timezone: String?
    public var sendAt: String?
    public var expiresAt: String?
    public var idempotencyKey: String?
    public var toEncryption: String?

    enum CodingKeys: String, CodingKey {
        case channel, to, template, locale, content, data, category, priority, campaign, timezone
        case userID = "user_id"
        case sendAt = "send_at"
        case expiresAt = "expires_at"
        case idempotencyKey = "idempotency_key"
        case toEncryption = "to_encryption"
    }

    public init(channel: String? = nil, to: String? = nil, content: MessageContent? = nil) {
        self.channel = channel
        self.to = to
        self.content = content
    }
}

/// The body of `POST /v1/messages/batch`.
public struct BatchRequest: Sendable, Decodable {
    public var messages: [MessageRequest]?
}
