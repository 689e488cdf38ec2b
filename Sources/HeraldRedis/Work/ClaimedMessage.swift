import HeraldCore

/// A message whose status is now `sending`, with the entry to acknowledge when done.
public struct ClaimedMessage: Sendable, Equatable {
    public var entry: StreamEntry
    /// The keys of the partition the message lives in (the claim knew them).
    public var partition: ChannelKeys
    public var message: OutboundMessage
    /// How `message.to` is encrypted, until the worker decrypts it; nil when clear.
    public var encryption: RecipientEncryption? = nil
    /// The key id of an encrypted `to`; nil for the default key.
    public var keyID: String? = nil
    /// The recipient's fingerprint (`RecipientFingerprint`), as stored at
    /// acceptance; for an encrypted recipient, set once the worker decrypts it.
    public var fingerprint: String? = nil
}
