/// A validated message, ready to be written to Redis. Only `MessageValidator`
/// makes one, so holding a `NewMessage` means the input was checked.
public struct NewMessage: Sendable, Equatable {
    public var channel: Channel
    public var to: String
    public var content: MessageContent
    public var dataJSON: String?
    public var category: MessageCategory
    public var priority: Priority
    public var campaign: String?
    public var userID: String?
    public var timezone: String?
    public var locale: String?
    public var sendAtMillis: Int64?
    public var expiresAtMillis: Int64?
    public var idempotencyKey: String?
    /// For SMS, the parts the body travels in (what carriers bill).
    public var segments: Int? = nil
    /// `name@version` of the template the content was rendered from.
    public var template: String? = nil
    /// Whether URLs in the SMS body are to become short links before storing.
    public var shortenLinks = false
    /// How `to` is encrypted; nil when it is in clear.
    public var toEncryption: RecipientEncryption? = nil
    /// The key id an encrypted `to` was sealed with; nil for the default key.
    public var toKeyID: String? = nil
    /// An id chosen before storing (short links created for the message carry it); nil lets the store pick.
    public var presetID: String? = nil

    /// The Redis hash fields this message is stored as (besides status,
    /// created_at and events): the payload (`MessagePayload`) and the few
    /// fields the Lua transitions read: `expires_at` (claim), `priority` when
    /// not normal (promote), `campaign` and `template` (stats).
    public func storedFields() -> [(String, String)] {
        var fields: [(String, String)] = [(MessagePayload.field, MessagePayload.encode(payloadFields()))]
        if priority != .normal { fields.append(("priority", priority.rawValue)) }
        if let expiresAtMillis { fields.append(("expires_at", String(expiresAtMillis))) }
        if let campaign { fields.append(("campaign", campaign)) }
        if let template { fields.append(("template", template)) }
        return fields
    }

    /// What the worker and the API read back, packed into one field.
    func payloadFields() -> [(String, String)] {
        var fields: [(String, String)] = [("to", to), ("body", content.body)]
        if category != .transactional { fields.append(("category", category.rawValue)) }
        if let subject = content.subject { fields.append(("subject", subject)) }
        if let title = content.title { fields.append(("title", title)) }
        if let html = content.html { fields.append(("html", html)) }
        if let dataJSON { fields.append(("data", dataJSON)) }
        if let userID { fields.append(("user_id", userID)) }
        if let timezone { fields.append(("timezone", timezone)) }
        if let locale { fields.append(("locale", locale)) }
        if let sendAtMillis { fields.append(("send_at", String(sendAtMillis))) }
        if let idempotencyKey { fields.append(("idempotency_key", idempotencyKey)) }
        if let segments { fields.append(("segments", String(segments))) }
        if let toEncryption { fields.append(("to_encryption", toEncryption.rawValue)) }
        if let toKeyID { fields.append(("to_key_id", toKeyID)) }
        return fields
    }
}
