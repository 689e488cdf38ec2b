import HeraldCore

/// `sent.lua` as one typed call: the provider accepted the message, sending →
/// sent (or delivered), its provider id indexed, receipts that raced ahead
/// applied.
public enum SentTransition {
    /// What the script answers.
    public enum Reply: Sendable {
        /// Recorded: the status the message ended at (further than asked when
        /// an early receipt was applied), and the suppression such a receipt
        /// implies (the recipient's fingerprint and the entry), for the caller
        /// to write in the channel's slot.
        case recorded(status: String, suppress: (fingerprint: String, entry: String)?)
        /// The message was no longer `sending` (another consumer finished it): nothing changed.
        case skipped(status: String)

        /// The status the message is at, whichever the case.
        public var status: String {
            switch self {
            case .recorded(let status, _), .skipped(let status): status
            }
        }

        @_spi(Benchmarks) public init(_ value: RedisValue) throws {
            let parts = value.array
            switch parts.first?.string {
            case "ok"? where parts.count == 4:
                let fingerprint = parts[2].string ?? "", entry = parts[3].string ?? ""
                self = .recorded(status: parts[1].string ?? "",
                                 suppress: fingerprint.isEmpty || entry.isEmpty ? nil : (fingerprint, entry))
            case "skip"? where parts.count == 2:
                self = .skipped(status: parts[1].string ?? "missing")
            default:
                throw RedisError.unexpectedReply("sent.lua returned \(value)")
            }
        }
    }

    @_spi(Benchmarks) public static func call(_ claimed: ClaimedMessage, provider: String, providerMessageID: String, status: MessageStatus,
                     note: String, indexProviderID: Bool = true, settings: StoreSettings, nowMillis: Int64)
        -> (keys: [String], arguments: [String])
    {
        let keys = claimed.partition
        return ([keys.message(claimed.message.id), claimed.entry.stream,
                 keys.providerMessage(provider, providerMessageID), keys.earlyReceipts(provider, providerMessageID)],
                [settings.consumerGroup, claimed.entry.entryID, String(nowMillis), provider, providerMessageID,
                 claimed.message.id, String(settings.providerIDTTLSeconds), String(settings.terminalTTLSeconds),
                 status.rawValue, note, indexProviderID ? "1" : "0"])
    }
}
