import HeraldCore
import HeraldMetrics
import HeraldRedis
import Logging
import Synchronization

/// Reads the outboxes the transitions write and copies each status event
/// into the queue of every target that wants it: the subscriptions whose
/// types (and campaign) match, and the message's own `callback_url`. An
/// outbox entry is deleted only once it is queued everywhere, so a crash
/// in between queues it again (the same event id: receivers dedupe). It
/// never POSTs anything itself: a slow receiver slows only its own queue.
final class EventFanout: Sendable {
    let outboxes: [String]
    let outbox: EventOutbox
    let queue: EventQueue
    let directory: EventTargetDirectory
    let settings: EventSettings
    let metrics: HeraldMetrics
    let logger: Logger
    /// Called with the targets that got events, so their deliverers look at once.
    let queued: @Sendable (Set<String>) -> Void

    /// Entries read per outbox per round.
    static let readCount = 500
    /// An entry read this long ago by a consumer that never acknowledged it is taken over.
    static let reclaimIdleMillis = 60_000

    init(outboxes: [String], outbox: EventOutbox, queue: EventQueue, directory: EventTargetDirectory,
         settings: EventSettings, metrics: HeraldMetrics, logger: Logger, queued: @escaping @Sendable (Set<String>) -> Void)
    {
        self.outboxes = outboxes
        self.outbox = outbox
        self.queue = queue
        self.directory = directory
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.queued = queued
    }

    private let stopped = Atomic<Bool>(false)

    func stop() { stopped.store(true, ordering: .relaxed) }

    /// Runs until `stop()`: back to back while there are events, waiting longer (up to the idle poll) while there are none.
    func run() async {
        var wait = 10
        var lastReclaim: Int64 = 0
        while !stopped.load(ordering: .relaxed) {
            let now = WallClock.nowMillis()
            do {
                var entries = try await outbox.read(outboxes, count: Self.readCount)
                if now - lastReclaim >= Int64(Self.reclaimIdleMillis / 2) {
                    lastReclaim = now
                    entries += try await outbox.reclaim(outboxes, idleMillis: Self.reclaimIdleMillis, count: Self.readCount)
                }
                if !entries.isEmpty {
                    try await route(entries, nowMillis: now)
                    try await outbox.acknowledge(entries)
                    wait = 10
                    continue
                }
            } catch {
                logger.warning("status events: the fan-out could not read or queue events; trying again",
                               metadata: ["error": "\(PIIMask.scrub(String(describing: error)))"])
                metrics.redisErrors(.events)
            }
            try? await Task.sleep(for: .milliseconds(wait))
            wait = min(wait * 2, await isQuiet(nowMillis: now) ? settings.quietPollMillis : settings.idlePollMillis)
        }
    }

    /// No subscription and no callback URL known: the outboxes can only hold
    /// a rare `campaign.completed` or a first callback URL's events, so they
    /// are looked at less often (an idle instance costs Redis next to nothing).
    private func isQuiet(nowMillis: Int64) async -> Bool {
        guard let subscriptions = try? await directory.subscriptions(nowMillis: nowMillis),
              let callbacks = try? await directory.callbacks(nowMillis: nowMillis)
        else { return false }
        return subscriptions.isEmpty && callbacks.isEmpty
    }

    /// Queues each entry's event for the targets that want it.
    func route(_ entries: [EventOutbox.Entry], nowMillis: Int64) async throws {
        let subscriptions = try await directory.subscriptions(nowMillis: nowMillis)
        var batches: [String: [(id: String, json: String)]] = [:]
        var order: [String] = []
        var callbackURLs = Set<String>()
        var counts: [StatusEventType: Int] = [:]
        func add(_ target: String, _ event: (id: String, json: String)) {
            if batches[target] == nil { order.append(target) }
            batches[target, default: []].append(event)
        }
        for entry in entries {
            guard let type = StatusEventType(rawValue: entry.type) else { continue }
            let id = StatusEventJSON.id(entry)
            var json: String?
            let campaign = entry.campaign.isEmpty ? nil : entry.campaign
            for subscription in subscriptions where subscription.wants(type, campaign: campaign) {
                json = json ?? StatusEventJSON.make(entry, type: type, id: id)
                add(subscription.id, (id, json!))
                counts[type, default: 0] += 1
            }
            if !entry.callbackURL.isEmpty, settings.callbackSecret != nil {
                json = json ?? StatusEventJSON.make(entry, type: type, id: id)
                add(EventTarget.callbackID(entry.callbackURL), (id, json!))
                callbackURLs.insert(entry.callbackURL)
                counts[type, default: 0] += 1
            }
        }
        guard !order.isEmpty else { return }
        try await directory.store.noteCallbacks(Array(callbackURLs), nowMillis: nowMillis)
        let outcomes = try await queue.push(order.map { ($0, batches[$0]!) }, queueCap: settings.queueCap,
                                            deadCap: settings.deadLetterCap, nowMillis: nowMillis)
        for (target, outcome) in zip(order, outcomes) where outcome.deadLettered + outcome.dropped > 0 {
            metrics.eventsDeadLettered(kind: Self.kind(target), count: outcome.deadLettered, dropped: outcome.dropped)
            logger.warning("status events: a target's queue is full; new events go to its dead letter", metadata: [
                "target": "\(target)", "dead_lettered": "\(outcome.deadLettered)", "dropped": "\(outcome.dropped)",
            ])
        }
        for (type, count) in counts { metrics.eventsFannedOut(type: type.rawValue, count: count) }
        queued(Set(order))
    }

    static func kind(_ target: String) -> String { EventTarget.isCallbackID(target) ? "callback" : "subscription" }
}
