import Foundation
import HeraldCore
import HeraldMetrics
import HeraldProviders
import HeraldRedis
import Logging
import NIOCore
import Synchronization

/// Delivers one target's queue: the oldest events, up to a batch, POSTed
/// as a JSON array signed with `Herald-Signature` under the target's
/// secret. 2xx removes them; anything else (no answer, a redirect, 4xx,
/// 5xx) keeps them and waits, doubling the wait per failure; what has been
/// failing for the retry window goes to the dead letter. One instance
/// holds a target's lease at a time, so batches go out in order.
final class EventDeliverer: Sendable {
    let target: EventTarget
    let queue: EventQueue
    let client: ProviderHTTPClient
    let settings: EventSettings
    let metrics: HeraldMetrics
    let logger: Logger
    let owner: String
    let stopped = Atomic<Bool>(false)
    private let nudged = Atomic<Bool>(false)

    init(target: EventTarget, queue: EventQueue, client: ProviderHTTPClient, settings: EventSettings,
         metrics: HeraldMetrics, logger: Logger, owner: String)
    {
        self.target = target
        self.queue = queue
        self.client = client
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.owner = owner
    }

    /// Events were just queued for this target: look now rather than after the idle wait.
    func nudge() { nudged.store(true, ordering: .relaxed) }

    func stop() { stopped.store(true, ordering: .relaxed) }

    func run() async {
        var wait = 10
        var leaseRenewedAt: Int64 = 0
        var holdsLease = false
        while !stopped.load(ordering: .relaxed) {
            let now = WallClock.nowMillis()
            do {
                if !holdsLease || now - leaseRenewedAt >= Int64(settings.leaseMillis / 3) {
                    holdsLease = try await queue.lease(target.id, owner: owner, ttlMillis: settings.leaseMillis)
                    leaseRenewedAt = now
                }
                if holdsLease, try await deliverOnce(nowMillis: now) {
                    wait = 10
                    continue
                }
            } catch {
                logger.warning("status events: Redis failed while delivering; trying again",
                               metadata: ["target": "\(target.id)", "error": "\(PIIMask.scrub(String(describing: error)))"])
                metrics.redisErrors(.events)
            }
            await pause(milliseconds: wait)
            wait = min(wait * 2, settings.idlePollMillis)
        }
    }

    /// Sleeps up to `milliseconds`, waking early when nudged or stopped.
    private func pause(milliseconds: Int) async {
        var left = milliseconds
        while left > 0, !stopped.load(ordering: .relaxed) {
            if nudged.exchange(false, ordering: .relaxed) { return }
            let step = min(left, 10)
            try? await Task.sleep(for: .milliseconds(step))
            left -= step
        }
    }

    /// Tries one batch; true when there may be more to deliver at once.
    func deliverOnce(nowMillis: Int64) async throws -> Bool {
        let (events, nextAttemptAt) = try await queue.head(target.id, count: settings.batchSize)
        guard !events.isEmpty else { return false }
        if let nextAttemptAt, nextAttemptAt > nowMillis { return false }
        let failure = await post(events)
        let kind = EventFanout.kind(target.id)
        guard let failure else {
            try await queue.acknowledge(target.id, events, nowMillis: WallClock.nowMillis())
            metrics.eventsDelivered(kind: kind, count: events.count)
            return true
        }
        metrics.eventDeliveryFailed(kind: kind, reason: failure.reason)
        let now = WallClock.nowMillis()
        let state = try await queue.fail(
            target.id, nowMillis: now, cutoffMillis: now - settings.retryWindowMillis,
            firstBackoffMillis: settings.firstBackoffMillis, maxBackoffMillis: settings.maxBackoffMillis,
            deadCap: settings.deadLetterCap, error: failure.message)
        let next = state.nextAttemptAtMillis
        metrics.eventsDeadLettered(kind: kind, count: state.deadLettered, dropped: state.dropped)
        logger.warning("status events: the receiver did not take a batch; retrying", metadata: [
            "target": "\(target.id)", "url": "\(PIIMask.url(target.url))", "reason": "\(failure.reason)",
            "attempts": "\(state.attempts)", "next_attempt_in_ms": "\(next - now)",
        ])
        return false
    }

    struct Failure {
        let reason: String
        let message: String
    }

    /// POSTs a batch; nil when the receiver answered 2xx.
    func post(_ events: [EventQueue.Queued]) async -> Failure? {
        var body = "["
        body.reserveCapacity(events.reduce(2) { $0 + $1.json.utf8.count + 1 })
        for (index, event) in events.enumerated() {
            if index > 0 { body += "," }
            body += event.json
        }
        body += "]"
        let bytes = Array(body.utf8)
        var request = ProviderRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Herald-Events/1")
        request.headers.add(name: "Herald-Event-Count", value: String(events.count))
        request.headers.add(name: WebhookSignature.headerName,
                            value: WebhookSignature.header(secret: target.secret, timestamp: WallClock.nowMillis() / 1000,
                                                           body: bytes))
        request.body = ByteBuffer(bytes: bytes)
        do {
            let response = try await client.execute(request)
            if (200..<300).contains(response.status) { return nil }
            return Failure(reason: "http_\(response.status)", message: "the receiver answered HTTP \(response.status)")
        } catch ProviderHTTPError.addressNotAllowed {
            return Failure(reason: "address_not_allowed", message: "the receiver's host resolves to an address Herald "
                + "may not connect to (not public, and not in \(EventSettings.allowedNetworksKey))")
        } catch {
            return Failure(reason: "transport", message: PIIMask.scrub(String(describing: error)))
        }
    }
}
