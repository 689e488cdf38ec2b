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

    /// A request from an already parsed JSON object when every field has its
    /// type (strings, and a number for `value`); nil otherwise, and the caller
    /// decodes with `JSONDecoder`, whose errors name the field.
    public init?(parsed object: [String: JSONValue]) {
        func string(_ key: CodingKeys) -> String?? {
            switch object[key.stringValue] {
            case nil, .null?: return .some(nil)
            case .string(let text)?: return .some(text)
            default: return nil
            }
        }
        guard let event = string(.event), let occurredAt = string(.occurredAt), let currency = string(.currency),
              let idempotencyKey = string(.idempotencyKey), let messageID = string(.messageID), let linkCode = string(.linkCode),
              let campaign = string(.campaign), let userID = string(.userID), let to = string(.to)
        else { return nil }
        switch object["value"] {
        case nil, .null?: value = nil
        case .number(let number)?: value = number
        default: return nil
        }
        (self.event, self.occurredAt, self.currency, self.idempotencyKey) = (event, occurredAt, currency, idempotencyKey)
        (self.messageID, self.linkCode, self.campaign, self.userID, self.to) = (messageID, linkCode, campaign, userID, to)
    }
}
