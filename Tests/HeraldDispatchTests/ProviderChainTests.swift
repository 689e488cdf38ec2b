import HeraldCore
import HeraldRedis
import HeraldDispatch
import HeraldProviders
import Testing

/// A provider that never sends: the chain only needs names.
struct NamedProvider: ChannelProvider {
    let name: String
    let channel = Channel.sms
    func send(_ message: OutboundMessage) async -> SendOutcome { .permanent(code: "unused", message: "") }
}

@Suite("Provider chain and circuit breaker")
struct ProviderChainTests {
    let failure = SendOutcome.retryable(code: "http_500", message: "", retryAfterMillis: nil)
    let success = SendOutcome.accepted(providerMessageID: "x", status: .sent)

    @Test("the first provider takes traffic until its retryable failures reach the threshold")
    func opensAtThreshold() {
        let chain = ProviderChain([NamedProvider(name: "a"), NamedProvider(name: "b")],
                                  policy: CircuitBreakerPolicy(failureThreshold: 3, cooldownMillis: 1_000))
        let start = ContinuousClock.now
        #expect(chain.select(now: start)?.provider.name == "a")
        #expect(chain.record(failure, provider: 0, now: start) == nil)
        #expect(chain.record(failure, provider: 0, now: start) == nil)
        #expect(chain.select(now: start)?.provider.name == "a")
        #expect(chain.record(failure, provider: 0, now: start) == .opened(provider: "a"))
        #expect(chain.select(now: start)?.provider.name == "b")
        #expect(chain.select(now: start.advanced(by: .milliseconds(999)))?.provider.name == "b")
    }

    @Test("after the cool-down the provider is tried again; one more failure re-opens it, a success closes it")
    func halfOpen() {
        let chain = ProviderChain([NamedProvider(name: "a"), NamedProvider(name: "b")],
                                  policy: CircuitBreakerPolicy(failureThreshold: 2, cooldownMillis: 1_000))
        let start = ContinuousClock.now
        _ = chain.record(failure, provider: 0, now: start)
        _ = chain.record(failure, provider: 0, now: start)
        let later = start.advanced(by: .milliseconds(1_000))
        #expect(chain.select(now: later)?.provider.name == "a")
        #expect(chain.record(failure, provider: 0, now: later) == .opened(provider: "a"))
        #expect(chain.select(now: later)?.provider.name == "b")
        let muchLater = later.advanced(by: .milliseconds(1_000))
        #expect(chain.select(now: muchLater)?.provider.name == "a")
        #expect(chain.record(success, provider: 0, now: muchLater) == .closed(provider: "a"))
        #expect(chain.record(failure, provider: 0, now: muchLater) == nil, "the count starts again from zero")
    }

    @Test("permanent errors and invalid recipients say nothing about a provider's health")
    func nonRetryableResets() {
        let chain = ProviderChain([NamedProvider(name: "a"), NamedProvider(name: "b")],
                                  policy: CircuitBreakerPolicy(failureThreshold: 2, cooldownMillis: 1_000))
        let now = ContinuousClock.now
        _ = chain.record(failure, provider: 0, now: now)
        _ = chain.record(.invalidRecipient(code: "21211", message: ""), provider: 0, now: now)
        #expect(chain.record(failure, provider: 0, now: now) == nil)
        #expect(chain.select(now: now)?.provider.name == "a")
    }

    @Test("when every provider is open, the one whose cool-down ends first is used")
    func allOpen() {
        let chain = ProviderChain([NamedProvider(name: "a"), NamedProvider(name: "b")],
                                  policy: CircuitBreakerPolicy(failureThreshold: 1, cooldownMillis: 1_000))
        let start = ContinuousClock.now
        _ = chain.record(failure, provider: 1, now: start)
        _ = chain.record(failure, provider: 0, now: start.advanced(by: .milliseconds(10)))
        #expect(chain.select(now: start.advanced(by: .milliseconds(20)))?.provider.name == "b")
    }
}

/// A provider that reaches only recipients with a prefix, as APNs reaches only device tokens.
struct PickyProvider: ChannelProvider {
    let name: String
    let prefix: String
    let channel = Channel.push
    func canDeliver(to recipient: String) -> Bool { recipient.hasPrefix(prefix) }
    func send(_ message: OutboundMessage) async -> SendOutcome { .permanent(code: "unused", message: "") }
}

@Suite("Provider routing by recipient")
struct ProviderRoutingTests {
    @Test("each recipient goes to a provider that can reach it, whatever the order; none is nil")
    func routing() {
        let chain = ProviderChain([PickyProvider(name: "apns", prefix: "a"), PickyProvider(name: "fcm", prefix: "f")],
                                  policy: CircuitBreakerPolicy())
        #expect(chain.select(for: "abc")?.provider.name == "apns")
        #expect(chain.select(for: "fgh")?.provider.name == "fcm")
        #expect(chain.select(for: "xyz") == nil)
    }
}

@Suite("Rate limit settings")
struct RateLimitParsingTests {
    @Test("HERALD_RATE_LIMITS parses provider:per-second[:burst] and refuses anything else")
    func parse() throws {
        let limits = try #require(RateLimit.parse("twilio:100:200, aliyun:50"))
        #expect(limits["twilio"] == RateLimit(perSecond: 100, burst: 200))
        #expect(limits["aliyun"]?.burst == 50)
        #expect(RateLimit.parse("twilio") == nil)
        #expect(RateLimit.parse("twilio:0") == nil)
        #expect(RateLimit.parse("twilio:10:x") == nil)
    }
}
