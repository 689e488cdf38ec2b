import HeraldProviders
import HeraldRedis

/// Provider access tokens shared by every Herald instance through Redis:
/// plain keys with a TTL, a compare-and-delete script for invalidation and a
/// `SET NX PX` lock, released by its owner only, so one instance refreshes at a time.
public struct RedisTokenStore: SharedTokenStore {
    let redis: any RedisCommands

    public init(redis: any RedisCommands) {
        self.redis = redis
    }

    public func token(for key: String) async throws -> String? {
        try await redis.send(["GET", key]).orThrow().string
    }

    public func store(_ token: String, for key: String, ttlMillis: Int64) async throws {
        _ = try await redis.send(["SET", key, token, "PX", String(max(ttlMillis, 1))]).orThrow()
    }

    public func invalidate(_ stale: String, for key: String) async throws {
        try await TokenTransition.delete(key, holding: stale, on: redis)
    }

    public func lock(_ key: String, owner: String, ttlMillis: Int64) async throws -> Bool {
        try await redis.send(["SET", key, owner, "NX", "PX", String(ttlMillis)]).orThrow().string == "OK"
    }

    /// Compare-and-delete, the same transition as invalidating a stale token.
    public func unlock(_ key: String, owner: String) async throws {
        try await TokenTransition.delete(key, holding: owner, on: redis)
    }
}
