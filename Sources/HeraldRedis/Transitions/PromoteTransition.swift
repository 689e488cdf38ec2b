import HeraldCore

/// `promote.lua` as one typed call: due messages of one partition's delayed
/// set (`send_at` reached, a retry's backoff over) → queued on the ready
/// stream of their priority; canceled ones are dropped.
public enum PromoteTransition {
    /// What the script answers.
    public struct Reply: Sendable, Equatable {
        /// How many messages moved; `limit` means more may be due.
        public var moved: Int

        init(_ value: RedisValue) throws {
            moved = try value.count(of: "promote.lua")
        }
    }

    /// The call for the partition `keys`, moving at most `limit` messages due by `nowMillis`.
    static func call(_ keys: ChannelKeys, nowMillis: Int64, limit: Int) -> (keys: [String], arguments: [String]) {
        ([keys.delayed], [String(nowMillis), String(limit), keys.prefix])
    }
}
