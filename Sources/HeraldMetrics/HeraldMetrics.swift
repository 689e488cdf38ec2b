import HeraldCore
import HeraldRedis
import Prometheus
import Synchronization

/// The process's Prometheus metrics, served at `GET /metrics`. Counters are
/// incremented only on real transitions (a duplicate receipt counts nothing).
public final class HeraldMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The `RedisTraffic` totals already added to the counters (round trips, requests, commands).
    private let redisTraffic = Mutex([0, 0, 0])
    /// Collectors already made, by name and label values: the registry
    /// validates names and help text on every `make…` call, which showed up in
    /// profiles at a few thousand messages per second.
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])
    private let requestHistograms = Mutex<[RequestSeries: DurationHistogram]>([:])

    /// The last hour per provider, for the console.
    public let activity = ProviderActivity()

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The collector cached under `key`, made (and cached) on first use.
    private func cached<Key: Hashable & Sendable, Collector: Sendable>(
        _ cache: borrowing Mutex<[Key: Collector]>, _ key: Key, make: () -> Collector
    ) -> Collector {
        if let found = cache.withLock({ $0[key] }) { return found }
        let made = make()
        cache.withLock { $0[key] = made }
        return made
    }

    /// Finds a series in its cache: built on every count, so in one string
    /// of its exact size rather than through an array of pieces.
    private static func seriesKey(_ name: String, _ labels: [(String, String)]) -> String {
        var size = name.utf8.count
        for (_, value) in labels { size += 1 + value.utf8.count }
        var key = ""
        key.reserveCapacity(size)
        key += name
        for (_, value) in labels {
            key += "|"
            key += value
        }
        return key
    }

    private func count(_ name: String, help: String, _ labels: [(String, String)], by amount: Int = 1) {
        cached(counters, Self.seriesKey(name, labels)) {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "herald", metricName: name, unitName: "total", helpText: help),
                labels: labels)
        }.increment(by: Int64(amount))
    }

    public func accepted(_ channel: Channel, count amount: Int = 1) {
        count("messages_accepted", help: "Messages accepted by the API and stored in Redis.",
              [("channel", channel.rawValue)], by: amount)
    }

    /// Campaign recipients turned into stored messages by the releaser.
    public func campaignReleased(_ channel: Channel, count amount: Int) {
        guard amount > 0 else { return }
        count("campaign_recipients_released", help: "Campaign recipients turned into queued messages as their pacing admitted.",
              [("channel", channel.rawValue)], by: amount)
    }

    /// A conversion reported by a caller, by what attribution found (`counted`, `duplicate`, `outside_window`, …).
    public func conversion(outcome: String) {
        count("conversions", help: "Conversions reported to POST /v1/conversions, by what their attribution found.",
              [("outcome", outcome)])
    }

    public func rejected(code: String) {
        count("requests_rejected", help: "Requests refused with a 4xx, by error code.", [("code", code)])
    }

    /// Messages acceptance could not store, by reason (`EnqueueRefusal`):
    /// what an operator alerts on when Redis is full or a master is down.
    public func storeRefused(_ refusal: EnqueueRefusal, count amount: Int = 1) {
        count("messages_refused", help: "Messages acceptance could not store in Redis, by reason.",
              [("reason", refusal.code)], by: amount)
        if refusal == .storeFull { storeFull(amount) }
    }

    /// A request other than acceptance refused because Redis is full (a template PUT, a suppression).
    public func storeFullRequest() { storeFull(1) }

    private func storeFull(_ amount: Int) {
        count("store_full", help: "Writes refused because Redis is at maxmemory (noeviction): messages and other requests.",
              [], by: amount)
    }

    /// Short-link fetches that could not be recorded (Redis down past the recorder's buffer).
    public func clicksDropped(_ amount: Int) {
        count("link_clicks_dropped", help: "Short-link clicks lost because Redis was unreachable and the buffer was full.",
              [], by: amount)
    }

    /// Short-link fetches by kind: click or preview.
    public func linkFetched(kind: LinkFetchKind) {
        count("link_fetches", help: "Short-link redirects served, by kind (click, preview).", [("kind", kind.rawValue)])
    }

    /// One send attempt's outcome: accepted, retrying, failed, invalid_recipient.
    public func attempt(_ channel: Channel, provider: String, outcome: AttemptOutcome) {
        count("send_attempts", help: "Provider send attempts by outcome.",
              [("channel", channel.rawValue), ("provider", provider), ("outcome", outcome.rawValue)])
        if outcome != .skip { activity.attempt(provider: provider, channel: channel, error: outcome != .accepted) }
    }

    /// A provider's circuit breaker opened (traffic fails over) or closed again.
    /// Also sets `herald_provider_breaker_open` (1 open, 0 closed), the state an
    /// alert can hold on: the transition counter alone cannot say whether a
    /// breaker is open now, since a half-open breaker re-opens without closing.
    public func breaker(_ channel: Channel, provider: String, state: BreakerState) {
        let labels = [("channel", channel.rawValue), ("provider", provider)]
        count("provider_breaker_transitions", help: "Provider circuit breaker transitions, by new state.",
              labels + [("state", state.rawValue)])
        gauge("provider_breaker_open", help: "1 while this instance's circuit breaker for the provider is open, else 0.",
              labels).set(Int64(state == .open ? 1 : 0))
        activity.breaker(provider: provider, channel: channel, open: state == .open)
    }

    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    private func makeHistogram(_ name: String, help: String, _ labels: [(String, String)]) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "herald", metricName: name, unitName: "seconds", helpText: help),
            labels: labels, buckets: Self.latencyBuckets)
    }

    private func observe(_ name: String, help: String, _ labels: [(String, String)], _ duration: Duration) {
        cached(histograms, Self.seriesKey(name, labels)) { makeHistogram(name, help: help, labels) }.record(duration)
    }

    public func sendDuration(provider: String, _ duration: Duration) {
        observe("provider_send", help: "Time a provider took to answer a send.", [("provider", provider)], duration)
    }

    /// One HTTP request, by route template (not the raw path: ids would make the series unbounded).
    /// Runs on every request, so its histograms are found by a plain struct key, not a built string.
    public func httpRequest(method: String, route: String, status: Int, _ duration: Duration) {
        cached(requestHistograms, RequestSeries(method: method, route: route, status: status)) {
            makeHistogram("http_request", help: "HTTP requests served, by method, route and status.",
                          [("method", method), ("route", route), ("status", String(status))])
        }.record(duration)
    }

    private struct RequestSeries: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    /// The work waiting in one channel's Redis queues, read when `/metrics` is scraped.
    public func queue(_ channel: Channel, _ depth: QueueDepth) {
        let labels = [("channel", channel.rawValue)]
        gauge("queue_ready", help: "Stream entries not yet finished (waiting or being sent).", labels).set(Int64(depth.ready))
        gauge("queue_pending", help: "Stream entries read by a worker and not yet finished.", labels).set(Int64(depth.pending))
        gauge("queue_delayed", help: "Messages waiting for send_at, a retry or a rate-limit slot.", labels).set(Int64(depth.delayed))
        gauge("queue_oldest_age_seconds", help: "Age of the oldest unfinished stream entry (0 when none).", labels)
            .set(depth.oldestAgeSeconds)
    }

    private func gauge(_ name: String, help: String, _ labels: [(String, String)]) -> Gauge {
        cached(gauges, Self.seriesKey(name, labels)) {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "herald", metricName: name, unitName: "", helpText: help), labels: labels)
        }
    }

    public func receipt(provider: String, result: String) {
        count("receipts", help: "Provider receipts by effect: applied, duplicate, stale, early, missing, rejected.",
              [("provider", provider), ("result", result)])
    }

    /// A stream entry that was not sent, by why: suppressed, expired, canceled,
    /// or already past sending (a replay).
    public func skipped(_ channel: Channel, reason: String) {
        count("messages_skipped", help: "Messages taken from a stream but not sent, by reason.",
              [("channel", channel.rawValue), ("reason", reason)])
    }

    /// An inbound message, by what it asked for: opt_out, opt_in, other.
    public func inbound(provider: String, intent: String) {
        count("inbound_messages", help: "Inbound messages by intent.", [("provider", provider), ("intent", intent)])
    }

    public func promoted(_ channel: Channel, count amount: Int) {
        count("messages_promoted", help: "Delayed messages (send_at, retry) moved to the ready stream.",
              [("channel", channel.rawValue)], by: amount)
    }

    /// A policy decision about a message before any provider call: quiet_deferred, quiet_expired.
    public func policy(_ channel: Channel, decision: PolicyDecision) {
        count("policy_decisions", help: "Decisions of the sending policies (quiet hours), by channel and decision.",
              [("channel", channel.rawValue), ("decision", decision.rawValue)])
    }

    public func reclaimed(_ channel: Channel, count amount: Int) {
        count("entries_reclaimed", help: "Stream entries taken over from consumers that stopped making progress.",
              [("channel", channel.rawValue)], by: amount)
    }

    public func redisErrors(_ place: RedisErrorPlace) {
        count("redis_errors", help: "Redis failures seen by the dispatcher and API.", [("where", place.rawValue)])
    }

    /// Status events taken from the outboxes and queued for their targets, by type.
    public func eventsFannedOut(type: String, count amount: Int) {
        guard amount > 0 else { return }
        count("events_published", help: "Status events queued for a subscription or callback URL, by type.",
              [("type", type)], by: amount)
    }

    /// Status events a receiver took (2xx), by target kind (subscription or callback).
    public func eventsDelivered(kind: String, count amount: Int) {
        guard amount > 0 else { return }
        count("events_delivered", help: "Status events a receiver answered 2xx to.", [("target", kind)], by: amount)
    }

    /// A POST of a batch of events that the receiver did not take, by why (http_<status>, timeout, address_not_allowed, …).
    public func eventDeliveryFailed(kind: String, reason: String) {
        count("event_delivery_failures", help: "Batches of status events a receiver did not take, by reason.",
              [("target", kind), ("reason", reason)])
    }

    /// Events put in a target's dead letter (retry window over, or its queue full), or dropped (dead letter full too).
    public func eventsDeadLettered(kind: String, count amount: Int, dropped: Int) {
        if amount > 0 {
            count("events_dead_lettered", help: "Status events moved to a target's dead letter.", [("target", kind)], by: amount)
        }
        if dropped > 0 {
            count("events_dropped", help: "Status events dropped because the target's queue and dead letter were full.",
                  [("target", kind)], by: dropped)
        }
    }

    /// Status events waiting in the targets' queues and dead letters, read when `/metrics` is scraped.
    public func eventBacklog(queued: Int, deadLettered: Int) {
        gauge("events_queued", help: "Status events waiting in subscription and callback queues.", []).set(Int64(queued))
        gauge("events_dead_letter", help: "Status events in subscription and callback dead letters.", [])
            .set(Int64(deadLettered))
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] {
        let traffic = RedisTraffic.totals
        redisTraffic.withLock { reported in
            for (name, help, total, index) in [
                ("redis_round_trips", "Batches written to Redis and their replies read (pipelining joins requests).", traffic.roundTrips, 0),
                ("redis_requests", "Commands or pipelines callers handed to a Redis connection.", traffic.requests, 1),
                ("redis_commands", "Commands sent to Redis.", traffic.commands, 2),
            ] where total > reported[index] {
                count(name, help: help, [], by: total - reported[index])
                reported[index] = total
            }
        }
        return registry.emitToBuffer()
    }
}
