/// Redis's `maxmemory-policy`, read at start: under any policy but
/// `noeviction` a full Redis deletes keys, and a deleted message is a lost one.
public enum EvictionPolicy {
    /// The policy, or nil when the server does not let us read it (CONFIG disabled by a managed service).
    public static func current(_ redis: any RedisCommands) async throws -> String? {
        let reply = try await redis.send(["CONFIG", "GET", "maxmemory-policy"])
        if case .error = reply { return nil }
        let parts = reply.array
        return parts.count == 2 ? parts[1].string : nil
    }

    /// Whether `policy` keeps every key Herald writes.
    public static func isSafe(_ policy: String) -> Bool { policy == "noeviction" }
}
