import HeraldCore
import Prometheus
import Synchronization

/// The process's Prometheus metrics, served at `GET /metrics`. Counters are
/// incremented only on real transitions (a duplicate receipt counts nothing).
public final class HeraldMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Collectors already made, by name and label values: the registry
    /// validates names and help text on every `make…` call, which showed up in
    /// profiles at a few thousand messages per second.
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private func count(_ name: String, help: String, _ labels: [(String, String)], by amount: Int = 1) {
        let key = name + labels.map { "|" + $0.1 }.joined()
        let counter = counters.withLock { $0[key] } ?? {
            let made = registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "herald", metricName: name, unitName: "total", helpText: help),
                labels: labels)
            counters.withLock { $0[key] = made }
            return made
        }()
        counter.increment(by: Int64(amount))
    }

    public func accepted(_ channel: Channel, count amount: Int = 1) {
        count("messages_accepted", help: "Messages accepted by the API and stored in Redis.",
              [("channel", channel.rawValue)], by: amount)
    }

    public func rejected(code: String) {
        count("requests_rejected", help: "Requests refused with a 4xx, by error code.", [("code", code)])
    }

    /// One send attempt's outcome: accepted, retrying, failed, invalid_recipient.
    public func attempt(_ channel: Channel, provider: String, outcome: String) {
        count("send_attempts", help: "Provider send attempts by outcome.",
              [("channel", channel.rawValue), ("provider", provider), ("outcome", outcome)])
    }

    /// A provider's circuit breaker opened (traffic fails over) or closed again.
    public func breaker(_ channel: Channel, provider: String, state: String) {
        count("provider_breaker_transitions", help: "Provider circuit breaker transitions, by new state.",
              [("channel", channel.rawValue), ("provider", provider), ("state", state)])
    }

    public func sendDuration(provider: String, _ duration: Duration) {
        let histogram = histograms.withLock { $0[provider] } ?? {
            let made = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: "herald", metricName: "provider_send", unitName: "seconds",
                    helpText: "Time a provider took to answer a send."),
                labels: [("provider", provider)],
                buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                          .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)])
            histograms.withLock { $0[provider] = made }
            return made
        }()
        histogram.record(duration)
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

    public func reclaimed(_ channel: Channel, count amount: Int) {
        count("entries_reclaimed", help: "Stream entries taken over from consumers that stopped making progress.",
              [("channel", channel.rawValue)], by: amount)
    }

    public func redisErrors(_ place: String) {
        count("redis_errors", help: "Redis failures seen by the dispatcher and API.", [("where", place)])
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
