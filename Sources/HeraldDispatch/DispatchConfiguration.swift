import Foundation
import HeraldCore
import HeraldRedis

/// How the dispatcher reads, sends and retries.
public struct DispatchConfiguration: Sendable, Equatable {
    /// This instance's name in the consumer group; must be unique per process.
    public var consumerName: String
    /// Entries read per XREADGROUP.
    public var batchSize: Int
    /// How long one XREADGROUP waits for new entries.
    public var blockMillis: Int
    /// Sends in flight per channel.
    public var concurrency: Int
    /// An entry pending this long with no progress belongs to a dead consumer and is reclaimed.
    public var visibilityTimeoutMillis: Int
    /// How late a due message (send_at, retries, holds) may be promoted to
    /// the ready stream: the promoter's finest step.
    public var promoteIntervalMillis: Int
    /// How long an idle promoter sleeps between looks at Redis when nothing
    /// it knows of is due sooner: the most a message scheduled by another
    /// process (an `api`-only instance) less than this ahead can be late.
    public var promoteIdleMillis = 1_000
    public var backoff: BackoffPolicy
    /// Per-channel overrides of `backoff`.
    public var channelBackoff: [Channel: BackoffPolicy]
    /// When a failing provider is skipped in favour of the next one.
    public var breaker: CircuitBreakerPolicy
    /// Per provider name; providers without one are sent to as fast as they answer.
    public var rateLimits: [String: RateLimit]
    /// Per channel: marketing is held while its recipient's quiet hours last. A channel without is not held.
    public var quietHours: [Channel: QuietHours]
    /// Where quiet hours are reckoned for a message that names no time zone.
    public var defaultTimeZone: TimeZone
    /// Per channel: the frequency caps marketing counts against, per person. A channel without has none.
    public var fatigue: [Channel: [FatigueWindow]]
    /// Over a cap, a message waits for a token to free (true) instead of ending `suppressed` (false).
    public var fatigueDefers: Bool
    /// Per campaign and channel, caps that replace the channel's (an empty list: none for that campaign).
    public var campaignFatigue: [String: [Channel: [FatigueWindow]]]
    /// Decrypts `to_encryption: aes` recipients just before the provider call.
    public var recipientKeys = RecipientKeyring(keys: [])

    public init(
        consumerName: String, batchSize: Int = 100, blockMillis: Int = 1_000, concurrency: Int = 256,
        visibilityTimeoutMillis: Int = 60_000, promoteIntervalMillis: Int = 100,
        backoff: BackoffPolicy = BackoffPolicy(), channelBackoff: [Channel: BackoffPolicy] = [:],
        breaker: CircuitBreakerPolicy = CircuitBreakerPolicy(), rateLimits: [String: RateLimit] = [:],
        quietHours: [Channel: QuietHours] = [:], defaultTimeZone: TimeZone = TimeZone(identifier: "UTC")!,
        fatigue: [Channel: [FatigueWindow]] = [:], fatigueDefers: Bool = false,
        campaignFatigue: [String: [Channel: [FatigueWindow]]] = [:]
    ) {
        self.campaignFatigue = campaignFatigue
        self.fatigue = fatigue
        self.fatigueDefers = fatigueDefers
        self.rateLimits = rateLimits
        self.quietHours = quietHours
        self.defaultTimeZone = defaultTimeZone
        self.consumerName = consumerName
        self.batchSize = batchSize
        self.blockMillis = blockMillis
        self.concurrency = concurrency
        self.visibilityTimeoutMillis = visibilityTimeoutMillis
        self.promoteIntervalMillis = promoteIntervalMillis
        self.backoff = backoff
        self.channelBackoff = channelBackoff
        self.breaker = breaker
    }

    public func backoff(for channel: Channel) -> BackoffPolicy { channelBackoff[channel] ?? backoff }

    /// The caps a marketing message of `campaign` counts against on `channel`: the campaign's own, else the channel's.
    public func fatigue(for channel: Channel, campaign: String?) -> [FatigueWindow] {
        if let campaign, let own = campaignFatigue[campaign]?[channel] { return own }
        return fatigue[channel] ?? []
    }
}
