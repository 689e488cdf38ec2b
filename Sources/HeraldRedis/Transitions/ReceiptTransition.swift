import HeraldCore

/// `receipt.lua` as one typed call: a provider's receipt applied to its
/// message (found by Herald's id when echoed, else by the provider's id), or
/// kept as early until `sent.lua` records the send.
public enum ReceiptTransition {
    /// What the script answers.
    public struct Reply: Equatable, Sendable {
        public var result: ReceiptResult
        /// Herald's id of the message; empty when it is not known yet (early).
        public var messageID: String
        /// The recipient's fingerprint, when the receipt says they cannot or
        /// will not receive: the caller writes the suppression in the channel's slot.
        public var suppressFingerprint: String?

        init(_ value: RedisValue) throws {
            let parts = value.array
            guard parts.count >= 2, let name = parts[0].string, let result = ReceiptResult(rawValue: name) else {
                throw RedisError.unexpectedReply("receipt.lua returned \(value)")
            }
            self.result = result
            messageID = parts[1].string ?? ""
            let fingerprint = parts.count > 2 ? parts[2].string ?? "" : ""
            suppressFingerprint = fingerprint.isEmpty ? nil : fingerprint
        }
    }

    static func call(_ receipt: ProviderReceipt, from provider: String, keys: ChannelKeys, settings: StoreSettings,
                     nowMillis: Int64) -> (keys: [String], arguments: [String])
    {
        ([keys.providerMessage(provider, receipt.providerMessageID), keys.earlyReceipts(provider, receipt.providerMessageID)],
         [receipt.kind.name, String(nowMillis), receipt.detail, receipt.eventID, keys.prefix,
          String(settings.terminalTTLSeconds), String(settings.earlyReceiptTTLSeconds), receipt.messageID ?? "",
          receipt.suppression?.stored ?? "", receipt.providerMessageID])
    }
}
