import HeraldCore

/// Every Redis key of one partition of a channel. All carry the partition's
/// hash tag (`{sms}` for partition 0, `{sms:07…}` for partition 7; see
/// `PartitionTag`), so each Lua transition touches a single Redis Cluster
/// slot. Partition 0 keeps the tag a channel had before partitions, so a
/// deployment that adds partitions still reads what it queued before.
public struct ChannelKeys: Sendable, Equatable {
    public let channel: Channel
    public let partition: Int
    /// `herald:{sms:07}:` — also passed to scripts that derive message keys from ids.
    public let prefix: String

    public init(_ channel: Channel, partition: Int = 0) {
        self.channel = channel
        self.partition = partition
        self.prefix = "herald:{" + PartitionTag.of(channel, partition: partition) + "}:"
    }

    /// The keys of the partition a message id belongs to; nil for an id that is not ours.
    public init?(messageID: String) {
        guard let (channel, partition) = MessageID.parse(messageID) else { return nil }
        self.init(channel, partition: partition)
    }

    /// The keys of every partition of `channel`.
    public static func all(_ channel: Channel, _ partitions: ChannelPartitions) -> [ChannelKeys] {
        partitions.all.map { ChannelKeys(channel, partition: $0) }
    }

    public func message(_ id: String) -> String { prefix + "m:" + id }
    public func stream(_ priority: Priority) -> String { prefix + "q:" + priority.rawValue }
    public var streams: [String] { Priority.allCases.map(stream) }
    public var delayed: String { prefix + "delayed" }
    public var deadLetters: String { prefix + "dead" }
    /// Hash of recipient fingerprint → `Suppression.stored`, one per channel
    /// (partition 0's tag), read by the worker beside the claim.
    public var suppressions: String { "herald:{" + channel.rawValue + "}:suppressed" }
    /// Hash of user id → `Suppression.stored`: a user suppressed on every
    /// channel has an entry in each channel's hash.
    public var suppressedUsers: String { "herald:{" + channel.rawValue + "}:suppressed_users" }
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
