import HeraldCore

/// One change a verified provider request asks for. The HTTP layer applies
/// effects in order, after the whole request has been verified and parsed.
public enum WebhookEffect: Sendable, Equatable {
    /// A delivery receipt or engagement event for one message.
    case receipt(ProviderReceipt)
    /// The recipient asked to stop (STOP, unfollow) or cannot receive: suppress them on `channel`.
    case suppress(recipient: String, channel: Channel, suppression: Suppression, outcome: String)
    /// The recipient asked to receive again (START): lift an unsubscribe, never an invalid-recipient entry.
    case liftUnsubscribe(recipient: String, channel: Channel, outcome: String)
    /// Understood and deliberately ignored (an intermediate status, an ordinary reply); counted under `outcome`.
    case ignored(outcome: String)
}

/// A receipt for one message, in Herald's terms.
public struct ProviderReceipt: Sendable, Equatable {
    /// The channel the message went out on: its keys hold the message.
    public var channel: Channel
    /// The provider's id for the message; empty when only Herald's id is known.
    public var providerMessageID: String
    /// A status the message moves to, or an engagement event recorded on it.
    public var kind: ReceiptKind
    /// Free text for the event history (an error code).
    public var detail: String
    /// Identifies the receipt: the same id again is a redelivery and changes nothing.
    public var eventID: String
    /// Herald's own id, when the provider echoes it back (Aliyun OutId, SendGrid custom args).
    public var messageID: String?
    /// A suppression the receipt implies (a hard bounce, a block).
    public var suppression: Suppression?

    public init(channel: Channel, providerMessageID: String, kind: ReceiptKind, detail: String = "", eventID: String,
                messageID: String? = nil, suppression: Suppression? = nil)
    {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.kind = kind
        self.detail = detail
        self.eventID = eventID
        self.messageID = messageID
        self.suppression = suppression
    }
}
