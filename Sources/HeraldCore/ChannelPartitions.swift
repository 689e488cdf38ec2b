/// How many partitions each channel's queue is split into, and which one a new
/// message goes to. Each partition has its own Redis hash tag, so on a Redis
/// Cluster one channel's traffic spreads over every master instead of sitting
/// in one slot.
///
/// A message with an idempotency key always goes to the partition that key
/// hashes to, so a replay finds the original in the same slot; others are
/// spread at random.
public struct ChannelPartitions: Sendable, Equatable {
    public let count: Int

    public init(count: Int) {
        precondition((1...MessageID.maxPartitions).contains(count), "partitions must be 1...\(MessageID.maxPartitions)")
        self.count = count
    }

    /// One partition: the layout of a single Redis, and of Herald before partitions.
    public static let single = ChannelPartitions(count: 1)

    /// Every partition number.
    public var all: Range<Int> { 0..<count }

    /// The partition for a new message.
    public func pick(idempotencyKey: String?) -> Int {
        guard count > 1 else { return 0 }
        guard let key = idempotencyKey else { return Int.random(in: 0..<count) }
        return Int(Self.stableHash(key) % UInt64(count))
    }

    /// FNV-1a of `text`: stable across processes and releases, unlike `Hasher`.
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
