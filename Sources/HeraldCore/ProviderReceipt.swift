/// A receipt for one message, in Herald's terms: what a provider webhook
/// parses and what `receipt.lua` applies (with the provider's name beside it).
/// The message is found by `messageID` when the provider echoes Herald's id
/// back, else by `providerMessageID`; `eventID` deduplicates redeliveries;
/// `suppression` adds the message's recipient to the channel's suppressions.
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
