import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldRedis
import HeraldSimulators
import SMTPAdapter

/// What a test wants different from the defaults.
public struct HarnessOptions: Sendable {
    /// The defaults; `startDispatcher: false` for tests that drive the dispatcher themselves.
    public init(startDispatcher: Bool = true) {
        self.startDispatcher = startDispatcher
    }

    public var faults: FaultRule = { _, _ in nil }
    public var aliyunFaults: FaultRule = { _, _ in nil }
    /// Added before every reply of the Twilio simulator.
    public var twilioLatency: Duration = .zero
    public var sendgridFaults: FaultRule = { _, _ in nil }
    public var wechatFaults: FaultRule = { _, _ in nil }
    public var fcmFaults: FaultRule = { _, _ in nil }
    public var apnsFaults: FaultRule = { _, _ in nil }
    /// SMS providers in order of preference.
    public var smsProviders = ["twilio"]
    /// Email goes to this SMTP server instead of SendGrid when set.
    public var smtp: SMTPConfiguration?
    public var rateLimits: [String: RateLimit] = [:]
    public var breaker = CircuitBreakerPolicy(failureThreshold: 3, cooldownMillis: 60_000)
    public var webhookFaults: FaultRule = { _, _ in nil }
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
    /// The providers whose receipt and inbound endpoints the API mounts.
    public var webhookProviders: Set<String> = ["twilio", "aliyun", "sendgrid", "wechat"]
    /// The keys `to_encryption: aes` recipients are decrypted with (none by default).
    public var recipientKeys = RecipientKeyring(keys: [])
    /// Runs on a local 3-master Redis Cluster instead of one redis-server.
    public var cluster = false
    /// Partitions per channel.
    public var partitions = 1
    /// How long acceptance retries a write Redis could not take (production: 10 s; short here,
    /// so a test of an outage gets its 503 well within its HTTP client's timeout).
    public var storeRetryMillis = 1_000
    /// How long a short link leads somewhere (the default: 90 days).
    public var linkLifetimeSeconds: Int?
    /// The non-public networks webhooks may reach (`HERALD_WEBHOOK_ALLOWED_NETWORKS`):
    /// loopback, where the webhook sink listens, unless a test takes it away.
    public var webhookAllowedNetworks = EgressPolicy.loopback
}
