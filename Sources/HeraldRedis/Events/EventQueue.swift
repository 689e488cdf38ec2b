import HeraldCore

/// One target's queue of status events, as the fan-out fills it and the
/// deliverer drains it (event_push, event_ack, event_fail, event_lease).
public struct EventQueue: Sendable {
    public let redis: any RedisCommands

    public init(redis: any RedisCommands) {
        self.redis = redis
    }

    /// What a push did: queued, put straight in the dead letter (queue full), dropped (both full).
    public struct PushOutcome: Sendable, Equatable {
        public var queued = 0
        public var deadLettered = 0
        public var dropped = 0
    }

    /// A queued event: its stream id and its event id and JSON.
    public struct Queued: Sendable, Equatable {
        public var streamID: String
        public var eventID: String
        public var json: String
    }

    /// Queues events (id, JSON) for each target, one script call per target, all in one round trip.
    public func push(_ batches: [(target: String, events: [(id: String, json: String)])], queueCap: Int, deadCap: Int,
                     nowMillis: Int64) async throws -> [PushOutcome]
    {
        let calls = batches.map { batch -> (keys: [String], arguments: [String]) in
            var arguments = [String(queueCap), String(deadCap), String(nowMillis),
                             EventTarget.isCallbackID(batch.target) ? "0" : "1"]
            arguments.reserveCapacity(4 + batch.events.count * 2)
            for event in batch.events {
                arguments.append(event.id)
                arguments.append(event.json)
            }
            return ([EventKeys.queue(batch.target), EventKeys.deadLetters(batch.target), EventKeys.state(batch.target)],
                    arguments)
        }
        return try await redis.runMany(Scripts.eventPush, calls: calls).map { reply in
            let counts = reply.array.map { $0.integer ?? 0 }
            guard counts.count == 3 else { return PushOutcome() }
            return PushOutcome(queued: counts[0], deadLettered: counts[1], dropped: counts[2])
        }
    }

    /// The oldest `count` queued events of `target`, and its failure state's next attempt time.
    public func head(_ target: String, count: Int) async throws -> (events: [Queued], nextAttemptAtMillis: Int64?) {
        let replies = try await redis.pipeline([
            ["XRANGE", EventKeys.queue(target), "-", "+", "COUNT", String(count)],
            ["HGET", EventKeys.state(target), "next_at"],
        ])
        let events = try replies[0].orThrow().array.compactMap { entry -> Queued? in
            let parts = entry.array
            guard parts.count == 2, let streamID = parts[0].string else { return nil }
            let fields = parts[1].fields
            return Queued(streamID: streamID, eventID: fields["i"] ?? "", json: fields["e"] ?? "{}")
        }
        return (events, replies[1].string.flatMap { Int64($0) })
    }

    /// The receiver took these events.
    public func acknowledge(_ target: String, _ events: [Queued], nowMillis: Int64) async throws {
        _ = try await redis.run(Scripts.eventAck, keys: [EventKeys.queue(target), EventKeys.state(target)],
                                arguments: [String(nowMillis)] + events.map(\.streamID))
    }

    /// What a failed delivery left: attempts so far, events dead-lettered and dropped now, and when the next try is due.
    public struct FailOutcome: Sendable, Equatable {
        public var attempts: Int
        public var deadLettered: Int
        public var dropped: Int
        public var nextAttemptAtMillis: Int64
    }

    /// The receiver did not take a batch; what was queued before `cutoffMillis` is dead-lettered.
    public func fail(_ target: String, nowMillis: Int64, cutoffMillis: Int64, firstBackoffMillis: Int64,
                     maxBackoffMillis: Int64, deadCap: Int, error: String) async throws -> FailOutcome
    {
        let reply = try await redis.run(
            Scripts.eventFail, keys: [EventKeys.queue(target), EventKeys.deadLetters(target), EventKeys.state(target)],
            arguments: [String(nowMillis), String(cutoffMillis), String(firstBackoffMillis), String(deadCap),
                        String(error.prefix(300)), "1000", String(maxBackoffMillis)]).array.map { $0.integer ?? 0 }
        guard reply.count == 4 else { throw RedisError.unexpectedReply("event_fail.lua returned \(reply)") }
        return FailOutcome(attempts: reply[0], deadLettered: reply[1], dropped: reply[2],
                           nextAttemptAtMillis: Int64(reply[3]))
    }

    /// Takes or renews the delivery lease of `target` for `owner`.
    public func lease(_ target: String, owner: String, ttlMillis: Int) async throws -> Bool {
        try await redis.run(Scripts.eventLease, keys: [EventKeys.lease(target)], arguments: [owner, String(ttlMillis)])
            .integer == 1
    }
}
