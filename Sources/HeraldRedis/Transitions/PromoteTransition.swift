import HeraldCore

/// `promote.lua` as one typed call: due messages of one partition's delayed
/// set (`send_at` reached, a retry's backoff over) → queued on the ready
/// stream of their priority; canceled ones are dropped.
public enum PromoteTransition {
    /// What the script answers.
    public struct Reply: Sendable, Equatable {
        /// How many messages moved; `limit` means more may be due.
        public var moved: Int
        /// When the earliest message left in the set is due (ms); nil when it is empty.
        public var nextDueMillis: Int64?

        init(_ value: RedisValue) throws {
            let parts = value.array
            guard parts.count == 2, let moved = parts[0].integer else {
                throw RedisError.unexpectedReply("promote.lua returned \(value)")
            }
            self.moved = moved
            // Scores come back as Redis prints doubles ("1765000000000" or "1.7e12" forms).
            nextDueMillis = parts[1].string.flatMap(Double.init).map { Int64($0) }
        }
    }

    /// The call for the partition `keys`, moving at most `limit` messages due by `nowMillis`.
    static func call(_ keys: ChannelKeys, nowMillis: Int64, limit: Int) -> (keys: [String], arguments: [String]) {
        ([keys.delayed], [String(nowMillis), String(limit), keys.prefix])
    }
}
