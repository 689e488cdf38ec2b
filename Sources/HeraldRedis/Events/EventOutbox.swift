import HeraldCore

/// The outboxes the transitions write status events to, as the fan-out
/// reads them: a consumer group per outbox, so an entry read by an instance
/// that dies is taken over by another (`reclaim`), and an entry is deleted
/// once every target it goes to has it queued (`acknowledge`).
public struct EventOutbox: Sendable {
    public let redis: any RedisCommands
    public let consumer: String

    public init(redis: any RedisCommands, consumer: String) {
        self.redis = redis
        self.consumer = consumer
    }

    /// One outbox entry, as `herald_publish` (lib_events.lua) writes it.
    public struct Entry: Sendable, Equatable {
        public var outbox: String
        public var entryID: String
        public var type: String
        public var messageID: String
        public var atMillis: Int64
        public var sequence: Int
        public var status: String
        public var provider: String
        public var detail: String
        /// The caller's fields, a JSON object.
        public var callerFields: String
        public var campaign: String
        public var callbackURL: String

        init?(outbox: String, _ value: RedisValue) {
            let parts = value.array
            guard parts.count == 2, let entryID = parts[0].string else { return nil }
            let fields = parts[1].fields
            guard let type = fields["t"] else { return nil }
            self.outbox = outbox
            self.entryID = entryID
            self.type = type
            messageID = fields["m"] ?? ""
            atMillis = Int64(fields["at"] ?? "") ?? 0
            sequence = Int(fields["q"] ?? "") ?? 0
            status = fields["s"] ?? ""
            provider = fields["p"] ?? ""
            detail = fields["d"] ?? ""
            callerFields = fields["x"] ?? "{}"
            campaign = fields["c"] ?? ""
            callbackURL = fields["u"] ?? ""
        }
    }

    /// New entries of `outboxes`, up to `count` each, in one pipeline; an
    /// outbox whose group does not exist yet gets it (from its start).
    public func read(_ outboxes: [String], count: Int) async throws -> [Entry] {
        let replies = try await redis.pipeline(outboxes.map {
            ["XREADGROUP", "GROUP", EventKeys.fanoutGroup, consumer, "COUNT", String(count), "STREAMS", $0, ">"]
        })
        var missing: [String] = []
        var entries: [Entry] = []
        for (outbox, reply) in zip(outboxes, replies) {
            if case .error(let message) = reply {
                if message.hasPrefix("NOGROUP") { missing.append(outbox); continue }
                throw RedisError.reply(message)
            }
            entries += Self.entries(reply, outbox: outbox)
        }
        if !missing.isEmpty {
            _ = try await redis.pipeline(missing.map { ["XGROUP", "CREATE", $0, EventKeys.fanoutGroup, "0", "MKSTREAM"] })
        }
        return entries
    }

    /// Entries another consumer read at least `idleMillis` ago and never
    /// acknowledged (it died between reading and queueing), now this consumer's.
    public func reclaim(_ outboxes: [String], idleMillis: Int, count: Int) async throws -> [Entry] {
        let replies = try await redis.pipeline(outboxes.map {
            ["XAUTOCLAIM", $0, EventKeys.fanoutGroup, consumer, String(idleMillis), "0-0", "COUNT", String(count)]
        })
        var entries: [Entry] = []
        for (outbox, reply) in zip(outboxes, replies) {
            let parts = reply.array
            guard parts.count >= 2 else { continue }
            entries += parts[1].array.compactMap { Entry(outbox: outbox, $0) }
        }
        return entries
    }

    /// Removes entries whose events are queued for every target that wants them.
    public func acknowledge(_ entries: [Entry]) async throws {
        var byOutbox: [String: [String]] = [:]
        for entry in entries { byOutbox[entry.outbox, default: []].append(entry.entryID) }
        var commands: [[String]] = []
        for (outbox, ids) in byOutbox {
            commands.append(["XACK", outbox, EventKeys.fanoutGroup] + ids)
            commands.append(["XDEL", outbox] + ids)
        }
        for reply in try await redis.pipeline(commands) { try reply.orThrow() }
    }

    private static func entries(_ reply: RedisValue, outbox: String) -> [Entry] {
        // XREADGROUP answers [[stream, [entry, …]]], or nil when there is nothing new.
        guard let stream = reply.array.first, stream.array.count == 2 else { return [] }
        return stream.array[1].array.compactMap { Entry(outbox: outbox, $0) }
    }
}
