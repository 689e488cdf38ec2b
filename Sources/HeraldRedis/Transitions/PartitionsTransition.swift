import HeraldCore

/// `partitions_record.lua` and `partitions_retire.lua` as typed calls: the
/// partition count an instance starts with recorded in the layout
/// (`PartitionLayout.key`), and its high-water mark lowered once an operator
/// has seen the dropped partitions empty.
public enum PartitionsTransition {
    /// What `partitions_record.lua` answers: the layout as recorded now.
    public struct RecordReply: Sendable, Equatable {
        /// The count in use.
        public var count: Int
        /// The count before the last change (the same as `count` when none).
        public var previous: Int
        /// When the count last changed (ms; 0: never).
        public var changedAtMillis: Int64
        /// The highest count whose partitions may still hold work: workers read every partition below it.
        public var high: Int

        init(_ value: RedisValue) throws {
            let parts = value.array
            guard parts.count == 4, let count = parts[0].integer, let previous = parts[1].integer,
                  let changed = parts[2].integer, let high = parts[3].integer
            else { throw RedisError.unexpectedReply("partitions_record.lua returned \(value)") }
            (self.count, self.previous, changedAtMillis, self.high) = (count, previous, Int64(changed), high)
        }
    }

    /// What `partitions_retire.lua` answers.
    public struct RetireReply: Sendable, Equatable {
        /// The count in use, now also the read count (0 when no layout was recorded).
        public var count: Int
        /// The read count before.
        public var before: Int

        init(_ value: RedisValue) throws {
            let parts = value.array
            guard parts.count == 2, let count = parts[0].integer, let before = parts[1].integer else {
                throw RedisError.unexpectedReply("partitions_retire.lua returned \(value)")
            }
            (self.count, self.before) = (count, before)
        }
    }

    /// The call recording `configured` at `nowMillis`; `probed` is the
    /// highest count found holding work (`configured` when not probed).
    static func record(configured: Int, nowMillis: Int64, probed: Int) -> (keys: [String], arguments: [String]) {
        ([PartitionLayout.key], [String(configured), String(nowMillis), String(probed)])
    }

    /// The call lowering the read count to the count in use.
    static func retire() -> (keys: [String], arguments: [String]) {
        ([PartitionLayout.key], [])
    }
}
