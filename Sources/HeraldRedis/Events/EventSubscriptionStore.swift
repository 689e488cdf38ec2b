import Foundation
import HeraldCore

/// Event subscriptions and the callback targets messages named, in Redis
/// (`EventKeys`), with what the API shows of each queue.
public struct EventSubscriptionStore: Sendable {
    public let redis: any RedisCommands

    public init(redis: any RedisCommands) {
        self.redis = redis
    }

    /// How a target's delivery stands: queued and dead-lettered counts and its failure state.
    public struct QueueState: Sendable, Equatable {
        public var queued: Int
        public var deadLettered: Int
        public var delivered: Int
        public var dropped: Int
        public var failingSinceMillis: Int64?
        public var attempts: Int
        public var nextAttemptAtMillis: Int64?
        public var lastError: String?
        public var lastSuccessAtMillis: Int64?
    }

    /// One dead-lettered event: the event JSON, why, and when.
    public struct FailedEvent: Sendable, Equatable {
        public var eventID: String
        public var json: String
        public var reason: String
        public var atMillis: Int64
    }

    public func create(_ subscription: EventSubscription) async throws {
        let json = String(decoding: try JSONEncoder().encode(subscription), as: UTF8.self)
        for reply in try await redis.pipeline([
            ["HSET", EventKeys.state(subscription.id), "created_at", String(subscription.createdAtMillis)],
            ["HSET", EventKeys.subscriptions, subscription.id, json], ["INCR", EventKeys.subscriptionsVersion],
        ]) { try reply.orThrow() }
    }

    /// The subscriptions' change counter: a reader whose copy was read at another value reads them again.
    public func version() async throws -> Int {
        try await redis.call("GET", EventKeys.subscriptionsVersion).string.flatMap { Int($0) } ?? 0
    }

    public func get(_ id: String) async throws -> EventSubscription? {
        guard let json = try await redis.call("HGET", EventKeys.subscriptions, id).string else { return nil }
        return try? JSONDecoder().decode(EventSubscription.self, from: Data(json.utf8))
    }

    /// Every subscription, oldest first.
    public func all() async throws -> [EventSubscription] {
        let fields = try await redis.call("HGETALL", EventKeys.subscriptions).fields
        return fields.values.compactMap { try? JSONDecoder().decode(EventSubscription.self, from: Data($0.utf8)) }
            .sorted { ($0.createdAtMillis, $0.id) < ($1.createdAtMillis, $1.id) }
    }

    /// Deletes a subscription with its queue, dead letter and state; false when there was none.
    public func delete(_ id: String) async throws -> Bool {
        let removed = try await redis.call("HDEL", EventKeys.subscriptions, id).integer ?? 0
        _ = try await redis.pipeline([
            ["INCR", EventKeys.subscriptionsVersion],
            ["DEL", EventKeys.queue(id)], ["DEL", EventKeys.deadLetters(id)], ["DEL", EventKeys.state(id)],
            ["DEL", EventKeys.lease(id)],
        ])
        return removed > 0
    }

    /// Notes that events were queued for callback URL `url` at `nowMillis`.
    public func noteCallbacks(_ urls: [String], nowMillis: Int64) async throws {
        guard !urls.isEmpty else { return }
        var command = ["HSET", EventKeys.callbacks]
        for url in urls { command += [EventTarget.callbackID(url), String(nowMillis) + " " + url] }
        try await redis.send(command).orThrow()
    }

    /// Every callback target: id → (URL, last used ms).
    public func callbacks() async throws -> [String: (url: String, lastUsedMillis: Int64)] {
        var result: [String: (url: String, lastUsedMillis: Int64)] = [:]
        for (id, value) in try await redis.call("HGETALL", EventKeys.callbacks).fields {
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let at = Int64(parts[0]) else { continue }
            result[id] = (String(parts[1]), at)
        }
        return result
    }

    /// Forgets an idle callback target whose queue is empty; its dead letter goes with it.
    public func forgetCallback(_ id: String) async throws {
        _ = try await redis.pipeline([
            ["HDEL", EventKeys.callbacks, id], ["DEL", EventKeys.queue(id)], ["DEL", EventKeys.deadLetters(id)],
            ["DEL", EventKeys.state(id)], ["DEL", EventKeys.lease(id)],
        ])
    }

    public func state(of target: String) async throws -> QueueState {
        let replies = try await redis.pipeline([
            ["XLEN", EventKeys.queue(target)], ["XLEN", EventKeys.deadLetters(target)], ["HGETALL", EventKeys.state(target)],
        ])
        let fields = replies[2].fields
        return QueueState(
            queued: replies[0].integer ?? 0, deadLettered: replies[1].integer ?? 0,
            delivered: Int(fields["delivered"] ?? "") ?? 0, dropped: Int(fields["dropped"] ?? "") ?? 0,
            failingSinceMillis: fields["failing_since"].flatMap { Int64($0) }, attempts: Int(fields["attempts"] ?? "") ?? 0,
            nextAttemptAtMillis: fields["next_at"].flatMap { Int64($0) }, lastError: fields["last_error"],
            lastSuccessAtMillis: fields["last_success_at"].flatMap { Int64($0) })
    }

    /// The oldest dead-lettered events of a target, at most `limit`.
    public func failed(_ target: String, limit: Int) async throws -> [FailedEvent] {
        let entries = try await redis.call("XRANGE", EventKeys.deadLetters(target), "-", "+", "COUNT", String(limit)).array
        return entries.compactMap { entry in
            let parts = entry.array
            guard parts.count == 2 else { return nil }
            let fields = parts[1].fields
            return FailedEvent(eventID: fields["i"] ?? "", json: fields["e"] ?? "{}", reason: fields["r"] ?? "",
                               atMillis: Int64(fields["at"] ?? "") ?? 0)
        }
    }

    /// Moves up to `limit` dead-lettered events back to the queue; returns (moved, left).
    public func replay(_ target: String, limit: Int, queueCap: Int) async throws -> (moved: Int, left: Int) {
        let reply = try await redis.run(Scripts.eventReplay, keys: [EventKeys.deadLetters(target), EventKeys.queue(target)],
                                        arguments: [String(limit), String(queueCap)]).array
        return (reply.first?.integer ?? 0, reply.count > 1 ? reply[1].integer ?? 0 : 0)
    }
}
