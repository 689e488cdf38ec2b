import HeraldCore
import HeraldProviders

/// How status events are fanned out and delivered (`HERALD_EVENT_*`, README "Status events").
public struct EventSettings: Sendable {
    /// Events waiting for one target at most; past it new events go to its dead letter.
    public var queueCap = 100_000
    /// Dead-lettered events of one target at most; past it they are dropped and counted.
    public var deadLetterCap = 100_000
    /// How long a failing target's events are retried before they are dead-lettered (`HERALD_EVENT_RETRY_HOURS`, 24 h).
    public var retryWindowMillis: Int64 = 24 * 3_600_000
    /// Events per POST.
    public var batchSize = 100
    /// The longest wait between looks at an idle outbox or queue.
    public var idlePollMillis = 1_000
    /// The longest wait between looks at the outboxes while there is no
    /// subscription and no callback URL: a message's first `callback_url`
    /// events may wait this long.
    public var quietPollMillis = 10_000
    /// The longest wait between two tries of a failing target.
    public var maxBackoffMillis: Int64 = 600_000
    /// The first wait after a failure; doubled per failure up to `maxBackoffMillis`.
    public var firstBackoffMillis: Int64 = 1_000
    /// Signs events POSTed to a message's `callback_url` (`HERALD_EVENT_SECRET`); nil refuses such URLs.
    public var callbackSecret: String?
    /// A callback URL no event was queued for in this long is forgotten once its queue is empty.
    public var callbackIdleMillis: Int64 = 7 * 86_400_000
    /// How long a delivery lease lasts without renewal (a crashed instance's targets move on after it).
    public var leaseMillis = 15_000
    /// Where events may be POSTed: public addresses, and these networks (`HERALD_EVENT_ALLOWED_NETWORKS`).
    public var egress = EgressPolicy()
    /// How long a receiver may take to answer a POST.
    public var requestTimeoutSeconds: Int64 = 10

    public init() {}

    /// Environment key of the non-public networks event receivers may be on.
    public static let allowedNetworksKey = "HERALD_EVENT_ALLOWED_NETWORKS"
}
