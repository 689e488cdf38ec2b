/// `token_invalidate.lua` as one typed call: a shared key (a provider's
/// access token, or its refresh lock) deleted only while it still holds the
/// value the caller names, so a token another instance already refreshed, or
/// a lock another instance took after this one's expired, is kept.
public enum TokenTransition {
    /// What the script answers.
    public enum Reply: Int, Equatable, IntegerReply {
        /// It held the value: it is gone.
        case deleted = 1
        /// The key held another value (or none): nothing changed.
        case kept = 0

        static let script = "token_invalidate.lua"
    }

    /// The call deleting `key` if it holds `value`.
    static func call(_ key: String, holding value: String) -> (keys: [String], arguments: [String]) {
        ([key], [value])
    }

    /// Deletes `key` if it still holds `value` (compare-and-delete): what
    /// `RedisTokenStore` invalidates stale tokens and releases its lock with.
    @discardableResult
    public static func delete(_ key: String, holding value: String, on redis: any RedisCommands) async throws -> Reply {
        let call = call(key, holding: value)
        return try Reply(try await redis.run(Scripts.tokenInvalidate, keys: call.keys, arguments: call.arguments))
    }
}
