import HeraldProviders
import Synchronization

/// A channel's providers in order of preference, each behind a circuit
/// breaker. The first provider whose breaker is closed takes the traffic; a
/// provider that keeps failing with retryable errors is skipped for a
/// cool-down, then tried again (half-open: one more failure re-opens it at once).
///
/// The breaker state is per process: each instance learns a provider's health
/// from its own traffic, which needs no coordination and reacts within a few
/// sends.
public final class ProviderChain: Sendable {
    /// A change the dispatcher logs and counts.
    public enum Transition: Equatable, Sendable {
        case opened(provider: String)
        case closed(provider: String)
    }

    private struct Breaker {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
    }

    /// The channel's providers, most preferred first.
    public let providers: [any ChannelProvider]
    let policy: CircuitBreakerPolicy
    private let breakers: Mutex<[Breaker]>

    public init(_ providers: [any ChannelProvider], policy: CircuitBreakerPolicy) {
        precondition(!providers.isEmpty, "a channel needs at least one provider")
        self.providers = providers
        self.policy = policy
        self.breakers = Mutex(Array(repeating: Breaker(), count: providers.count))
    }

    /// The provider to use now for `recipient`: among those that can reach
    /// it, the first closed one, else the one whose cool-down ends first; nil
    /// when none can reach it.
    public func select(for recipient: String = "", now: ContinuousClock.Instant = .now)
        -> (index: Int, provider: any ChannelProvider)?
    {
        // Lazily: this runs once per message, and most chains have one provider.
        let candidates = providers.indices.lazy.filter { self.providers[$0].canDeliver(to: recipient) }
        let index: Int? = breakers.withLock { breakers in
            if let closed = candidates.first(where: { breakers[$0].openUntil.map { now >= $0 } ?? true }) { return closed }
            return candidates.min { breakers[$0].openUntil! < breakers[$1].openUntil! }
        }
        return index.map { ($0, providers[$0]) }
    }

    /// Feeds one outcome back; returns the breaker transition it caused, if any.
    public func record(_ outcome: SendOutcome, provider index: Int, now: ContinuousClock.Instant = .now) -> Transition? {
        let name = providers[index].name
        return breakers.withLock { breakers in
            if outcome.isRetryable {
                breakers[index].consecutiveFailures += 1
                guard breakers[index].consecutiveFailures >= policy.failureThreshold else { return nil }
                let wasClosed = breakers[index].openUntil.map { now >= $0 } ?? true
                breakers[index].openUntil = now.advanced(by: .milliseconds(policy.cooldownMillis))
                return wasClosed ? .opened(provider: name) : nil
            }
            let wasOpen = breakers[index].consecutiveFailures >= policy.failureThreshold
            breakers[index] = Breaker()
            return wasOpen ? .closed(provider: name) : nil
        }
    }
}
