/// When a provider is taken out of a channel's rotation, and for how long
/// (DESIGN §6 failover).
public struct CircuitBreakerPolicy: Sendable, Equatable {
    /// Consecutive retryable failures (5xx, timeouts, throttling) that open the breaker.
    public var failureThreshold: Int
    /// How long an open provider is skipped before it is tried again.
    public var cooldownMillis: Int

    public init(failureThreshold: Int = 5, cooldownMillis: Int = 30_000) {
        self.failureThreshold = failureThreshold
        self.cooldownMillis = cooldownMillis
    }
}
