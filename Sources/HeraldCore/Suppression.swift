/// Why a recipient is on a channel's suppression list, and which messages it
/// blocks. Stored in Redis as `scope:reason` (`all:invalid_recipient`,
/// `marketing:unsubscribed`) so the claim script decides without decoding JSON.
public struct Suppression: Sendable, Equatable {
    /// Which messages the entry blocks: every category, or one.
    public enum Scope: String, Sendable, CaseIterable {
        case all
        case marketing
        case transactional
    }

    /// Why the entry exists: shown to operators and in the message history.
    public enum Reason: String, Sendable, CaseIterable {
        /// The person asked not to receive (STOP, List-Unsubscribe, WeChat block).
        case unsubscribed
        /// A provider said the address, number or token cannot receive.
        case invalidRecipient = "invalid_recipient"
        /// The person reported a message as spam.
        case complaint
        /// An operator blocked the recipient through the API.
        case manual
        /// The person has no subscription left for one WeChat subscribe template
        /// (43101): only that template is blocked, until they subscribe again.
        case notSubscribed = "not_subscribed"
    }

    /// Which messages are blocked.
    public var scope: Scope
    /// Why they are blocked.
    public var reason: Reason

    public init(scope: Scope, reason: Reason) {
        self.scope = scope
        self.reason = reason
    }

    /// The value stored in the channel's suppressions hash.
    public var stored: String { scope.rawValue + ":" + reason.rawValue }

    /// The suppression key of one topic of a recipient (`openid|template`):
    /// suppressed and lifted like a recipient, it blocks only that topic.
    public static func topicRecipient(_ recipient: String, topic: String) -> String { recipient + "|" + topic }

    /// Parses a stored value; nil for anything Herald did not write.
    public init?(stored: String) {
        let parts = stored.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let scope = Scope(rawValue: String(parts[0])),
              let reason = Reason(rawValue: String(parts[1]))
        else { return nil }
        self.init(scope: scope, reason: reason)
    }

    /// Whether a message of `category` to this recipient must not be sent.
    public func blocks(_ category: MessageCategory) -> Bool {
        scope == .all || scope.rawValue == category.rawValue
    }
}
