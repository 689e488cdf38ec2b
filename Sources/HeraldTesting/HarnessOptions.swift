import HeraldCore
import HeraldEvents
import HeraldDispatch
import HeraldProviders
import HeraldRedis
import HeraldSimulators
import HeraldAdapters

/// What a test wants different from the defaults.
public struct HarnessOptions: Sendable {
    /// The defaults; `startDispatcher: false` for tests that drive the dispatcher themselves.
    public init(startDispatcher: Bool = true) {
        self.startDispatcher = startDispatcher
    }

    /// The faults each provider's simulator answers with, by provider name.
    public var faults: [String: FaultRule] = [:]
    /// Added before every reply of every simulator.
    public var simulatorLatency: Duration = .zero
    /// SMS providers in order of preference (`HERALD_SMS_PROVIDERS`).
    public var smsProviders = [TwilioRegistration.name]
    /// `HERALD_*` provider settings beyond the harness's own (`HERALD_EMAIL_PROVIDERS`,
    /// `HERALD_SMTP_URL`, a test provider's settings…).
    public var settings: [String: String] = [:]
    /// Providers built as a gateway outside the sandbox builds them: from
    /// `settings` alone, with no sandbox allowances (a webhook egress without loopback).
    public var outsideSandbox: Set<String> = []
    /// Providers a test registers beside the built-in ones: served, simulated
    /// and given their webhooks exactly as those are.
    public var extraProviders: [any ProviderRegistration.Type] = []
    public var rateLimits: [String: RateLimit] = [:]
    public var breaker = CircuitBreakerPolicy(failureThreshold: 3, cooldownMillis: 60_000)
    public var callbackStatuses = ["sent", "delivered"]
    public var callbackBeforeReply = false
    public var callbackDelay: Duration = .milliseconds(5)
    public var backoff = BackoffPolicy(baseMillis: 20, capMillis: 200, maxAttempts: 4)
    public var visibilityTimeoutMillis = 60_000
    public var startDispatcher = true
    public var apiKeys: Set<String> = ["test-key"]
    /// Quiet hours for marketing, per channel (none by default).
    public var quietHours: [HeraldCore.Channel: QuietHours] = [:]
    /// Frequency caps on marketing, per channel (none by default), and whether over a cap defers.
    public var fatigue: [HeraldCore.Channel: [FatigueWindow]] = [:]
    public var fatigueDefers = false
    public var campaignFatigue: [String: [HeraldCore.Channel: [FatigueWindow]]] = [:]
    /// The providers whose receipt and inbound endpoints the API mounts (nil: every one that has them).
    public var webhookProviders: Set<String>?
    /// The keys `to_encryption: aes` recipients are decrypted with (none by default).
    public var recipientKeys = RecipientKeyring(keys: [])
    /// Runs on a local 3-master Redis Cluster instead of one redis-server.
    public var cluster = false
    /// Partitions per channel.
    public var partitions = 1
    /// How long acceptance retries a write Redis could not take (production: 10 s; short here,
    /// so a test of an outage gets its 503 well within its HTTP client's timeout).
    public var storeRetryMillis = 1_000
    /// Runs a campaign releaser beside the API, as every gateway does.
    public var startCampaignReleaser = true
    /// Runs status events (fan-out and deliveries) beside the dispatcher, with these settings.
    public var statusEvents: EventSettings? = nil
    /// How long a campaign lease may stay unacknowledged before another releaser takes it over.
    public var campaignLeaseMillis = 30_000
    /// How long a short link leads somewhere (the default: 90 days).
    public var linkLifetimeSeconds: Int?
}
