import HeraldRedis

/// A key's own `rate_per_second`: one token bucket in Redis per key, shared
/// by every instance (the providers' `rate_take.lua`, with no reservation
/// ahead), so one runaway caller is held back without touching the others.
struct KeyRateLimiter: Sendable {
    let redis: any RedisCommands

    static func bucket(_ keyID: String) -> String { "herald:{keyrate:" + keyID + "}" }

    /// nil when the request may go on; else the seconds until a token frees (`Retry-After`).
    func take(keyID: String, ratePerSecond: Int) async throws -> Int? {
        let reply = try await redis.run(
            Scripts.rateTake, keys: [Self.bucket(keyID)], arguments: [String(ratePerSecond), String(ratePerSecond), "0"]
        ).array
        guard reply.count == 2, reply[0].integer == 0 else { return nil }
        return max(1, ((reply[1].integer ?? 1000) + 999) / 1000)
    }
}
