import HeraldCore

/// `retry.lua` as one typed call: a send attempt failed, sending → retrying
/// (due in the delayed set), or → failed (dead-lettered), or → suppressed.
public enum RetryTransition {
    /// What the script answers: where the message went, or that it was no longer `sending`.
    public enum Reply: String, Equatable, Sendable {
        case retrying, failed, suppressed
        case skip

        init(_ value: RedisValue) throws {
            guard let name = value.array.first?.string, let reply = Reply(rawValue: name) else {
                throw RedisError.unexpectedReply("retry.lua returned \(value)")
            }
            self = reply
        }
    }

    /// What the failure was and what follows from it.
    public struct Failure: Sendable {
        public var provider: String
        public var code: String
        public var message: String
        /// No retry whatever the attempt count (the provider said so).
        public var permanent: Bool
        public var dueMillis: Int64
        public var maxAttempts: Int
        /// The suppression the failure implies, written by the caller in the channel's slot.
        public var suppress: Suppression?
        /// A permanent failure ends `suppressed` (an opt-out) instead of `failed`.
        public var endSuppressed: Bool
    }

    static func call(_ claimed: ClaimedMessage, _ failure: Failure, settings: StoreSettings, nowMillis: Int64)
        -> (keys: [String], arguments: [String])
    {
        let keys = claimed.partition
        return ([keys.message(claimed.message.id), claimed.entry.stream, keys.delayed, keys.deadLetters],
                [settings.consumerGroup, claimed.entry.entryID, String(nowMillis), String(failure.dueMillis),
                 String(failure.maxAttempts), failure.permanent ? "1" : "0", failure.code, failure.message,
                 claimed.message.id, String(settings.terminalTTLSeconds), failure.provider,
                 failure.suppress?.stored ?? "", failure.endSuppressed ? "suppressed" : "failed"])
    }
}
