/// Exponential backoff with full jitter (AWS architecture blog, "Exponential
/// Backoff And Jitter"): the n-th retry waits a uniform random time in
/// `0 ... min(cap, base * 2^(n-1))`, so a burst of failures does not retry in lockstep.
public struct BackoffPolicy: Sendable, Equatable {
    public var baseMillis: Int64
    public var capMillis: Int64
    /// Total attempts including the first; after that many the message fails.
    public var maxAttempts: Int

    public init(baseMillis: Int64 = 1_000, capMillis: Int64 = 600_000, maxAttempts: Int = 8) {
        self.baseMillis = baseMillis
        self.capMillis = capMillis
        self.maxAttempts = maxAttempts
    }

    /// The ceiling of the jitter window after `attempt` attempts have failed.
    public func ceilingMillis(afterAttempt attempt: Int) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 40)
        let (scaled, overflow) = baseMillis.multipliedReportingOverflow(by: Int64(1) << exponent)
        return overflow ? capMillis : min(capMillis, scaled)
    }

    /// How long to wait before the next attempt. A provider's Retry-After wins
    /// when it asks for longer than the jittered delay.
    public func delayMillis(afterAttempt attempt: Int, retryAfterMillis: Int64? = nil) -> Int64 {
        let ceiling = ceilingMillis(afterAttempt: attempt)
        let jittered = ceiling > 0 ? Int64.random(in: 0...ceiling) : 0
        guard let retryAfterMillis else { return jittered }
        return max(retryAfterMillis, jittered)
    }
}
