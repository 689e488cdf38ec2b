import ArgumentParser
import Foundation
import HeraldCore
import HeraldEvents
import HeraldMetrics
import HeraldProviders
import HeraldRedis
import Logging

/// `herald-bench events-drain`: how many status events a second one
/// subscription's delivery loop POSTs to a receiver on this machine. It queues
/// `events` events for a new subscription to `--url`, starts the fan-out and
/// delivery as a worker runs them, and times until the queue is empty.
/// `loadtest/events.sh` runs it against the peers' nginx mock.
struct EventsDrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events-drain", abstract: "Measure status events delivered per second to one receiver (a benchmark).")

    @Option(help: "A redis:// or unix:// URL of a scratch Redis (its event keys are written).") var redisURL: String
    @Option(help: "The receiver, answering 2xx to any POST.") var url: String
    @Option(help: "Events to queue and deliver.") var events = 200_000

    func run() async throws {
        let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL))
        defer { redis.close() }
        let store = EventSubscriptionStore(redis: redis)
        let subscription = EventSubscription(id: EventSubscription.newID(), url: url, events: Set(StatusEventType.allCases),
                                             campaign: nil, secret: "bench-secret-0123456789", createdAtMillis: WallClock.nowMillis())
        try await store.create(subscription)
        var settings = EventSettings()
        settings.queueCap = events + 1
        settings.egress = EgressPolicy(allowedNetworks: EgressPolicy.loopback)
        let queue = EventQueue(redis: redis)
        let event = #"{"id":"evt_sms_1_0","type":"delivered","occurred_at":"2026-12-07T12:00:00.000Z","sequence":3,"#
            + #""message_id":"sms_01M996W5DY97TJ4HP9SA3J39F7","channel":"sms","status":"delivered","provider":"twilio","#
            + #""campaign":"spring","user_id":"u-1"}"#
        var queued = 0
        while queued < events {
            let count = min(1_000, events - queued)
            _ = try await queue.push([(subscription.id, (0..<count).map { ("evt_\(queued + $0)", event) })],
                                     queueCap: settings.queueCap, deadCap: 1_000, nowMillis: WallClock.nowMillis())
            queued += count
        }
        var logger = Logger(label: "events-drain")
        logger.logLevel = .warning
        let metrics = HeraldMetrics()
        let runner = try StatusEvents(redis: redis, outboxes: [], settings: settings, metrics: metrics, logger: logger,
                                      consumer: "bench")
        let started = ContinuousClock.now
        let task = Task { await runner.run() }
        var left = events
        while left > 0, ContinuousClock.now - started < .seconds(300) {
            try await Task.sleep(for: .milliseconds(20))
            left = try await redis.call("XLEN", EventKeys.queue(subscription.id)).integer ?? 0
        }
        let elapsed = ContinuousClock.now - started
        runner.stop()
        await task.value
        _ = try await store.delete(subscription.id)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "events-drain: %d events delivered in %.2f s: %.0f events/s (%d left)", events - left, seconds,
                     Double(events - left) / seconds, left))
    }
}
