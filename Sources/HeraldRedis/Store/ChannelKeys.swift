import HeraldCore

/// Every Redis key Herald uses for one channel. All carry the channel's hash
/// tag (`{sms}`), so each Lua transition touches a single Redis Cluster slot.
public struct ChannelKeys: Sendable, Equatable {
    public let channel: Channel
    /// `herald:{sms}:` — also passed to scripts that derive message keys from ids.
    public let prefix: String

    public init(_ channel: Channel) {
        self.channel = channel
        self.prefix = "herald:{\(channel.rawValue)}:"
    }

    public func message(_ id: String) -> String { prefix + "m:" + id }
    public func stream(_ priority: Priority) -> String { prefix + "q:" + priority.rawValue }
    public var streams: [String] { Priority.allCases.map(stream) }
    public var delayed: String { prefix + "delayed" }
    public var deadLetters: String { prefix + "dead" }
    /// Hash of recipient → `Suppression.stored`.
    public var suppressions: String { prefix + "suppressed" }
    /// Hash of user id → `Suppression.stored`: a user suppressed on every
    /// channel has an entry in each channel's hash (one cluster slot each).
    public var suppressedUsers: String { prefix + "suppressed_users" }
    public func idempotency(_ key: String) -> String { prefix + "idem:" + key }
    public func providerMessage(_ provider: String, _ providerMessageID: String) -> String {
        prefix + "pid:" + provider + ":" + providerMessageID
    }
    /// A provider's token bucket; shared by every channel and instance using that provider.
    public static func rateBucket(_ provider: String) -> String { "herald:{rate:" + provider + "}" }
    public func earlyReceipts(_ provider: String, _ providerMessageID: String) -> String {
        prefix + "early:" + provider + ":" + providerMessageID
    }
}
