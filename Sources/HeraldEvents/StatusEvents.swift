import HeraldCore
import HeraldMetrics
import HeraldProviders
import HeraldRedis
import Logging
import NIOCore
import Synchronization

/// Status events pushed to callers, as a dispatcher process runs them: the
/// fan-out from the outboxes, and one delivery loop per target
/// (subscription or callback URL) that this instance holds the lease of.
/// Targets are looked up again every second, so a subscription made or
/// deleted anywhere is served or dropped within about that.
public final class StatusEvents: Sendable {
    let settings: EventSettings
    let metrics: HeraldMetrics
    let logger: Logger
    let consumer: String
    let client: ProviderHTTPClient
    let queue: EventQueue
    let directory: EventTargetDirectory
    let fanout: EventFanout
    private let stopped = Atomic<Bool>(false)
    private let deliverers = RunningDeliverers()

    /// - Parameters:
    ///   - outboxes: every outbox to read (`StatusEvents.outboxes`).
    ///   - consumer: this instance's name in the outboxes' consumer group, and its lease owner name.
    public init(redis: any RedisCommands, outboxes: [String], settings: EventSettings, metrics: HeraldMetrics,
                logger: Logger, consumer: String) throws
    {
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.consumer = consumer
        client = try ProviderHTTPClient(
            maxConnectionsPerHost: 4, readTimeout: .seconds(settings.requestTimeoutSeconds), maxResponseBytes: 64 * 1024,
            truncatesLongResponses: true, egress: EgressGuard(policy: settings.egress))
        queue = EventQueue(redis: redis)
        let directory = EventTargetDirectory(store: EventSubscriptionStore(redis: redis))
        self.directory = directory
        let deliverers = self.deliverers
        fanout = EventFanout(
            outboxes: outboxes, outbox: EventOutbox(redis: redis, consumer: consumer), queue: queue, directory: directory,
            settings: settings, metrics: metrics, logger: logger,
            queued: { targets in deliverers.nudge(targets) })
    }

    /// Every outbox of these channels' partitions (the first `partitions` of each), and the campaigns'.
    public static func outboxes(channels: [HeraldCore.Channel], partitions: Int) -> [String] {
        var keys: [String] = []
        for channel in channels {
            for partition in 0..<max(partitions, 1) { keys.append(EventKeys.outbox(ChannelKeys(channel, partition: partition))) }
        }
        return keys + [EventKeys.campaignOutbox]
    }

    /// Runs the fan-out and the delivery loops until `stop()`; then waits for the batches in flight.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.fanout.run() }
            group.addTask { await self.supervise() }
        }
        await deliverers.stopAll()
        await client.shutdown()
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
        fanout.stop()
    }

    /// Starts a delivery loop for every target, stops those of deleted ones, forgets idle callback URLs.
    private func supervise() async {
        var lastBacklog: Int64 = 0
        while !stopped.load(ordering: .relaxed) {
            let now = WallClock.nowMillis()
            do {
                var targets: [String: EventTarget] = [:]
                for subscription in try await directory.subscriptions(nowMillis: now) {
                    targets[subscription.id] = EventTarget(subscription: subscription)
                }
                if let secret = settings.callbackSecret {
                    for (id, callback) in try await directory.callbacks(nowMillis: now) {
                        if now - callback.lastUsedMillis > settings.callbackIdleMillis,
                           try await directory.store.state(of: id).queued == 0
                        {
                            try await directory.store.forgetCallback(id)
                            continue
                        }
                        targets[id] = EventTarget(callbackURL: callback.url, secret: secret)
                    }
                }
                reconcile(targets)
                if now - lastBacklog >= 5_000 {
                    lastBacklog = now
                    var queued = 0, dead = 0
                    for id in targets.keys {
                        let state = try await directory.store.state(of: id)
                        queued += state.queued
                        dead += state.deadLettered
                    }
                    metrics.eventBacklog(queued: queued, deadLettered: dead)
                }
            } catch {
                logger.warning("status events: could not read the subscriptions; trying again",
                               metadata: ["error": "\(PIIMask.scrub(String(describing: error)))"])
                metrics.redisErrors(.events)
            }
            for _ in 0..<20 where !stopped.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(50)) }
        }
    }

    private func reconcile(_ targets: [String: EventTarget]) {
        deliverers.reconcile(targets) { target in
            EventDeliverer(target: target, queue: queue, client: client, settings: settings, metrics: metrics, logger: logger,
                           owner: consumer)
        }
    }
}
