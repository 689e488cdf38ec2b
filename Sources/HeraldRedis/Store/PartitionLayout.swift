import HeraldCore

/// The partition counts a deployment has used, kept in Redis so a change of
/// `HERALD_PARTITIONS` loses nothing: workers read every partition below
/// `readCount` (so what a dropped partition holds is still sent, in place —
/// a message id names its partition, so moving it would change the id its
/// caller holds), and for the idempotency window after a change a replay is
/// looked up under the previous count too.
public struct PartitionLayout: Sendable, Equatable {
    /// Where new messages go.
    public var current: ChannelPartitions
    /// The count before the last change (the same as `current` when none).
    public var previous: ChannelPartitions
    /// When the count last changed (0: never).
    public var changedAtMillis: Int64
    /// Partitions workers read: the highest count that may still hold work.
    public var readCount: Int

    public init(current: ChannelPartitions, previous: ChannelPartitions? = nil, changedAtMillis: Int64 = 0,
                readCount: Int? = nil)
    {
        self.current = current
        self.previous = previous ?? current
        self.changedAtMillis = changedAtMillis
        self.readCount = max(readCount ?? current.count, current.count)
    }

    /// The layout of a single partition that never changed.
    public static let single = PartitionLayout(current: .single)

    /// The partitions workers read.
    public var read: ChannelPartitions { ChannelPartitions(count: readCount) }

    /// The key the layout lives in.
    public static let key = "herald:partitions"

    /// Records `configured` as the count in use and returns the layout.
    /// Before the first record, it probes for work in partitions at or past
    /// `configured` (a deployment that lowered the count before this record
    /// existed), so none is stranded.
    public static func record(configured: ChannelPartitions, redis: any RedisCommands, nowMillis: Int64) async throws
        -> PartitionLayout
    {
        // Once recorded, `high` already covers every partition that may hold work: no probe.
        let recorded = try await redis.send(["EXISTS", key]).orThrow().integer == 1
        let probed = recorded ? configured.count : try await highestHoldingWork(from: configured.count, redis: redis)
        let call = PartitionsTransition.record(configured: configured.count, nowMillis: nowMillis, probed: probed)
        let reply = try PartitionsTransition.RecordReply(try await redis.run(Scripts.partitionsRecord, keys: call.keys,
                                                                             arguments: call.arguments))
        return PartitionLayout(
            current: ChannelPartitions(count: reply.count),
            previous: ChannelPartitions(count: min(max(reply.previous, 1), MessageID.maxPartitions)),
            changedAtMillis: reply.changedAtMillis, readCount: min(reply.high, MessageID.maxPartitions))
    }

    /// Lowers the read count to the count in use (the dropped partitions are
    /// known to be empty). Returns (count in use, read count before).
    public static func retire(redis: any RedisCommands) async throws -> (count: Int, before: Int) {
        let call = PartitionsTransition.retire()
        let reply = try PartitionsTransition.RetireReply(try await redis.run(Scripts.partitionsRetire, keys: call.keys,
                                                                             arguments: call.arguments))
        return (reply.count, reply.before)
    }

    /// The count that covers every partition at or past `from` holding a
    /// stream or a delayed set, for any channel (`from` when none does).
    static func highestHoldingWork(from: Int, redis: any RedisCommands) async throws -> Int {
        guard from < MessageID.maxPartitions else { return from }
        var commands: [[String]] = []
        var owners: [Int] = []
        for partition in from..<MessageID.maxPartitions {
            for channel in Channel.allCases {
                let keys = ChannelKeys(channel, partition: partition)
                for key in keys.streams + [keys.delayed] {
                    commands.append(["EXISTS", key])
                    owners.append(partition)
                }
            }
        }
        let replies = try await redis.pipeline(commands)
        var high = from
        for (partition, reply) in zip(owners, replies) where reply.integer == 1 { high = max(high, partition + 1) }
        return high
    }

    /// The partition a replay of `idempotencyKey` may have its original in
    /// besides the current one: the previous count's, within the idempotency
    /// window after a change, when it differs.
    public func previousPartition(idempotencyKey: String, nowMillis: Int64, windowSeconds: Int) -> Int? {
        guard previous != current, changedAtMillis > 0, nowMillis < changedAtMillis + Int64(windowSeconds) * 1_000 else {
            return nil
        }
        let old = previous.pick(idempotencyKey: idempotencyKey)
        return old == current.pick(idempotencyKey: idempotencyKey) ? nil : old
    }
}
