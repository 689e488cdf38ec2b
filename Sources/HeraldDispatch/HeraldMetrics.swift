import HeraldCore
import Prometheus

/// The process's Prometheus metrics, served at `GET /metrics`. Counters are
/// incremented only on real transitions (a duplicate receipt counts nothing).
public final class HeraldMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    public func accepted(_ channel: Channel, count: Int = 1) {
        registry.makeCounter(
            descriptor: Self.descriptor("messages_accepted", unit: "total", help: "Messages accepted by the API and stored in Redis."), labels: [("channel", channel.rawValue)]
        ).increment(by: Int64(count))
    }

    public func rejected(code: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("requests_rejected", unit: "total", help: "Requests refused with a 4xx, by error code."), labels: [("code", code)]
        ).increment()
    }

    /// One send attempt's outcome: accepted, retrying, failed, invalid_recipient.
    public func attempt(_ channel: Channel, provider: String, outcome: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("send_attempts", unit: "total", help: "Provider send attempts by outcome."),
            labels: [("channel", channel.rawValue), ("provider", provider), ("outcome", outcome)]
        ).increment()
    }

    public func sendDuration(provider: String, _ duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.descriptor("provider_send", unit: "seconds", help: "Time a provider took to answer a send."), labels: [("provider", provider)], buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]
        ).record(duration)
    }

    public func receipt(provider: String, result: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("receipts", unit: "total", help: "Provider receipts by effect: applied, duplicate, stale, early, missing, rejected."), labels: [("provider", provider), ("result", result)]
        ).increment()
    }

    public func promoted(_ channel: Channel, count: Int) {
        registry.makeCounter(
            descriptor: Self.descriptor("messages_promoted", unit: "total", help: "Delayed messages (send_at, retry) moved to the ready stream."), labels: [("channel", channel.rawValue)]
        ).increment(by: Int64(count))
    }

    public func reclaimed(_ channel: Channel, count: Int) {
        registry.makeCounter(
            descriptor: Self.descriptor("entries_reclaimed", unit: "total", help: "Stream entries taken over from consumers that stopped making progress."), labels: [("channel", channel.rawValue)]
        ).increment(by: Int64(count))
    }

    public func redisErrors(_ where_: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("redis_errors", unit: "total", help: "Redis failures seen by the dispatcher and API."), labels: [("where", where_)]
        ).increment()
    }

    private static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "herald", metricName: name, unitName: unit, helpText: help)
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
