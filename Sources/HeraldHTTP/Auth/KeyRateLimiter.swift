import HeraldRedis

/// A key's own `rate_per_second`: one token bucket in Redis per key, shared
/// by every instance (`KeyStore.takeRateToken`, with no reservation ahead),
/// so one runaway caller is held back without touching the others.
struct KeyRateLimiter: Sendable {
    let keys: KeyStore

    /// nil when the request may go on; else the seconds until a token frees (`Retry-After`).
    func take(keyID: String, ratePerSecond: Int) async throws -> Int? {
        guard case .deferFor(let millis) = try await keys.takeRateToken(keyID, ratePerSecond: ratePerSecond) else {
            return nil
        }
        return max(1, (Int(millis) + 999) / 1000)
    }
}
