/// The body of `POST /v1/conversions` as decoded, before validation: every
/// field optional, so that `Conversion.validate` names what is missing or wrong.
public struct ConversionRequest: Sendable, Decodable {
    public var event: String?
    public var occurredAt: String?
    public var value: Double?
    public var currency: String?
    public var idempotencyKey: String?
    public var messageID: String?
    public var linkCode: String?
    public var campaign: String?
    public var userID: String?
    public var to: String?

    enum CodingKeys: String, CodingKey {
        case event, value, currency, campaign, to
        case occurredAt = "occurred_at"
        case idempotencyKey = "idempotency_key"
        case messageID = "message_id"
        case linkCode = "link_code"
        case userID = "user_id"
    }
}
