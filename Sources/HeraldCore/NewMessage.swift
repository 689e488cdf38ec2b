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
    /// The A/B variant of its campaign this message carries (stats per variant).
    public var variant: String? = nil
    /// An id chosen before storing (short links created for the message carry it); nil lets the store pick.
    public var presetID: String? = nil
    /// Where this message's own status events are POSTed (`callback_url`), besides any subscription.
    public var callbackURL: String? = nil
    /// The caller's `metadata` object as compact JSON, echoed in every status event of the message.
    public var metadataJSON: String? = nil
    /// Set by the store when event subscriptions exist: the message's status
    /// changes are written to its partition's outbox.
    public var publishesEvents = false

    /// The caller's own fields every status event of this message carries, as
    /// the members of a JSON object: what a receiver joins events on.
    public var eventFields: String {
        var members: [String] = []
        if let campaign { members.append(#""campaign":"# + JSONText.quoted(campaign)) }
        if let userID { members.append(#""user_id":"# + JSONText.quoted(userID)) }
        if let idempotencyKey { members.append(#""idempotency_key":"# + JSONText.quoted(idempotencyKey)) }
        if let metadataJSON { members.append(#""metadata":"# + metadataJSON) }
        return "{" + members.joined(separator: ",") + "}"
    }
}
