import HeraldCore

/// One provider receipt as `receipt.lua` applies it. The message is found by
/// `messageID` when the provider echoes Herald's id back, else by
/// `providerMessageID`; `eventID` deduplicates redeliveries; `suppress` adds
/// the message's recipient to the channel's suppressions.
public struct ReceiptUpdate: Sendable, Equatable {
    public var channel: Channel
    public var provider: String
    public var providerMessageID: String
    public var kind: ReceiptKind
    public var detail: String
    public var eventID: String
    public var messageID: String?
    public var suppress: Suppression?

    public init(channel: Channel, provider: String, providerMessageID: String, kind: ReceiptKind, detail: String,
                eventID: String, messageID: String? = nil, suppress: Suppression? = nil)
    {
        self.channel = channel
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.kind = kind
        self.detail = detail
        self.eventID = eventID
        self.messageID = messageID
        self.suppress = suppress
    }
}
