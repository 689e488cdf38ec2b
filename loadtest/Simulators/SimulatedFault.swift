/// A failure a simulator can be told to produce for one request.
public enum SimulatedFault: Sendable, Equatable {
    /// HTTP 500 with the provider's error body.
    case serverError
    /// HTTP 429 with `Retry-After: seconds`.
    case throttled(retryAfterSeconds: Int)
    /// The provider's "invalid recipient" error.
    case invalidRecipient
    /// The provider's "recipient opted out / blocked you" error.
    case optedOut
    /// A permanent refusal that is not about the recipient (HTTP 400).
    case badRequest
}

/// Decides the fault (if any) for the n-th request (1-based) to a recipient.
/// Tests script exact sequences; the CLI uses random rates.
public typealias FaultRule = @Sendable (_ recipient: String, _ attempt: Int) -> SimulatedFault?

/// Fault rates for load tests: each request draws once.
public struct RandomFaults: Sendable, Equatable {
    public var serverErrorRate: Double
    public var throttleRate: Double
    public var retryAfterSeconds: Int
    /// Recipients starting with this prefix are invalid numbers (Twilio's
    /// magic test number +15005550001 is one).
    public var invalidPrefix: String
    /// A window in which the providers named in `outageProviders` answer
    /// every request with their server error: an outage, for fault runs.
    public var outage: Range<ContinuousClock.Instant>?
    /// The providers the outage applies to (empty: every one).
    public var outageProviders: Set<String>

    public init(serverErrorRate: Double = 0, throttleRate: Double = 0, retryAfterSeconds: Int = 1,
                invalidPrefix: String = "+1500555000", outage: Range<ContinuousClock.Instant>? = nil,
                outageProviders: Set<String> = [])
    {
        self.serverErrorRate = serverErrorRate
        self.throttleRate = throttleRate
        self.retryAfterSeconds = retryAfterSeconds
        self.invalidPrefix = invalidPrefix
        self.outage = outage
        self.outageProviders = outageProviders
    }

    /// The rule for one provider's simulator.
    public func rule(for provider: String) -> FaultRule {
        let faults = self
        let down = outage.flatMap { outageProviders.isEmpty || outageProviders.contains(provider) ? $0 : nil }
        return { recipient, _ in
            if let down, down.contains(ContinuousClock.now) { return .serverError }
            if recipient.hasPrefix(faults.invalidPrefix) { return .invalidRecipient }
            let draw = Double.random(in: 0..<1)
            if draw < faults.serverErrorRate { return .serverError }
            if draw < faults.serverErrorRate + faults.throttleRate {
                return .throttled(retryAfterSeconds: faults.retryAfterSeconds)
            }
            return nil
        }
    }
}
