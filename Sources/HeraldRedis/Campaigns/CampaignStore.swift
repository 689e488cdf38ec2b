import HeraldCore

/// Campaigns in Redis: create, add recipients, control, release and read.
/// Each change is one campaign transition (see `CampaignTransition`); the
/// audience is kept as compact pending lists per zone and dedup intsets, not
/// as messages, until the pace admits each recipient.
public struct CampaignStore: Sendable {
    public let redis: any RedisCommands
    /// How long a campaign lives while not over (refreshed by its writes).
    public var ttlSeconds: Int
    /// How long a completed or canceled campaign stays readable.
    public var retentionSeconds: Int
    /// How long a person's touch index lives after their last touch: as long
    /// as a message is kept, and a day more (a conversion window ends before).
    public var touchTTLSeconds = 8 * 86_400

    /// Recipients per `campaign_add.lua` call: big enough to amortise a call,
    /// small enough to hold Redis for about a millisecond.
    public static let addChunk = 1_000
    /// Calls pipelined in one request while importing.
    static let addCallsPerRequest = 16

    public init(redis: any RedisCommands, ttlSeconds: Int = 400 * 86_400, retentionSeconds: Int = 90 * 86_400) {
        self.redis = redis
        self.ttlSeconds = ttlSeconds
        self.retentionSeconds = retentionSeconds
    }

    public func create(_ definition: CampaignDefinition, nowMillis: Int64) async throws -> CampaignTransition.CreateReply {
        let call = CampaignTransition.create(definition, nowMillis: nowMillis, ttlSeconds: ttlSeconds)
        return try CampaignTransition.createReply(
            try await redis.run(Scripts.campaignCreate, keys: call.keys, arguments: call.arguments))
    }

    /// Adds recipients in calls of `addChunk`, pipelined. Counts add up over
    /// the calls; the first call that finds the campaign gone or over ends it.
    public func add(id: String, _ additions: [CampaignTransition.Addition], rejected: Int) async throws
        -> CampaignTransition.AddReply
    {
        // Sorted by dedup set, so each call meets few sets, each with many people.
        let additions = additions.sorted { $0.person < $1.person }
        var added = 0, duplicates = 0
        var start = 0
        var rejectedLeft = rejected
        repeat {
            var calls: [(keys: [String], arguments: [String])] = []
            while calls.count < Self.addCallsPerRequest, start < additions.count || (additions.isEmpty && calls.isEmpty) {
                let end = min(additions.count, start + Self.addChunk)
                calls.append(CampaignTransition.add(id: id, additions[start..<end], rejected: rejectedLeft,
                                                    ttlSeconds: ttlSeconds))
                rejectedLeft = 0
                start = end
                if additions.isEmpty { break }
            }
            for reply in try await redis.runMany(Scripts.campaignAdd, calls: calls) {
                switch try CampaignTransition.addReply(reply) {
                case .added(let count, let repeated):
                    added += count
                    duplicates += repeated
                case let other: return other
                }
            }
        } while start < additions.count
        return .added(count: added, duplicates: duplicates)
    }

    public func control(id: String, _ action: CampaignState.Action, templateReference: String? = nil) async throws
        -> CampaignTransition.ControlReply
    {
        let call = CampaignTransition.control(id: id, action, templateReference: templateReference,
                                              retentionSeconds: retentionSeconds, ttlSeconds: ttlSeconds)
        return try CampaignTransition.controlReply(
            try await redis.run(Scripts.campaignState, keys: call.keys, arguments: call.arguments))
    }

    /// Releases up to `want` recipients of the zones in `openZones`, as the
    /// campaign's pacing admits; see `campaign_take.lua`.
    public func take(id: String, want: Int, token: String, leaseMillis: Int, releasableShare: Int, localDay: String,
                     openZones: [CampaignTransition.OpenZone], graceMillis: Int) async throws -> CampaignTransition.TakeReply
    {
        let call = CampaignTransition.take(
            id: id, want: want, token: token, leaseMillis: leaseMillis, releasableShare: releasableShare,
            localDay: localDay, openZones: openZones, retentionSeconds: retentionSeconds, graceMillis: graceMillis)
        return try CampaignTransition.takeReply(
            try await redis.run(Scripts.campaignTake, keys: call.keys, arguments: call.arguments))
    }

    /// Acknowledges a lease; returns the campaign's state after it.
    @discardableResult
    public func acknowledge(id: String, token: String, _ done: CampaignTransition.Acknowledgement, graceMillis: Int)
        async throws -> String?
    {
        let call = CampaignTransition.ack(id: id, token: token, done, touchTTLSeconds: touchTTLSeconds,
                                          retentionSeconds: retentionSeconds, graceMillis: graceMillis)
        return try await redis.run(Scripts.campaignAck, keys: call.keys, arguments: call.arguments).array.first?.string
    }

    /// Acknowledges a lease whose recipients all became messages or failed.
    @discardableResult
    public func acknowledge(id: String, token: String, failed: Int, graceMillis: Int) async throws -> String? {
        var done = CampaignTransition.Acknowledgement()
        done.failed = failed
        return try await acknowledge(id: id, token: token, done, graceMillis: graceMillis)
    }

    /// Decides the campaign's winner test: `variant` goes to the rest, or
    /// (nil) the rest gets nothing; with `awaitOnly`, records only that the
    /// due test found no winner and waits for a person; see `campaign_winner.lua`.
    public func decide(id: String, variant: String?, by: String, reason: String, awaitOnly: Bool = false, graceMillis: Int)
        async throws -> CampaignTransition.DecideReply
    {
        let call = CampaignTransition.decide(id: id, variant: variant, by: by, reason: reason, awaitOnly: awaitOnly,
                                             retentionSeconds: retentionSeconds, graceMillis: graceMillis)
        return try CampaignTransition.decideReply(
            try await redis.run(Scripts.campaignWinner, keys: call.keys, arguments: call.arguments))
    }

    /// The campaign, its pending counts and its recent release rate, in one round trip.
    public func record(id: String, nowMillis: Int64) async throws -> CampaignRecord? {
        let keys = CampaignKeys(id)
        let replies = try await redis.pipeline([
            ["HGETALL", keys.campaign], ["HGETALL", keys.zones], ["HGETALL", keys.releaseRate],
        ])
        let fields = try replies[0].orThrow().fields
        guard !fields.isEmpty else { return nil }
        return CampaignRecord(fields: fields, zones: try replies[1].orThrow().fields,
                              rate: try replies[2].orThrow().fields, nowMillis: nowMillis)
    }

    /// Brings the messages workers held back while the campaign was paused to
    /// their queues now (each due at once in its partition's delayed set);
    /// returns how many were still waiting there.
    @discardableResult
    public func promoteHeld(id: String, nowMillis: Int64) async throws -> Int {
        let key = CampaignKeys(id).held
        let ids = try await redis.send(["SMEMBERS", key]).orThrow().array.compactMap(\.string)
        guard !ids.isEmpty else { return 0 }
        var commands: [[String]] = ids.compactMap { message in
            ChannelKeys(messageID: message).map { ["ZADD", $0.delayed, "XX", "CH", String(nowMillis), message] }
        }
        commands.append(["SREM", key] + ids)
        let replies = try await redis.pipeline(commands)
        return replies.dropLast().reduce(0) { $0 + ($1.integer ?? 0) }
    }

    /// The zones that have recipients pending.
    public func zones(id: String) async throws -> [String] {
        try await redis.send(["HKEYS", CampaignKeys(id).zones]).orThrow().array.compactMap(\.string)
    }

    /// Every campaign not over, with its state.
    public func active() async throws -> [String: String] {
        try await redis.send(["HGETALL", CampaignKeys.active]).orThrow().fields
    }

    /// A page of campaign ids in creation order after `cursor` (`<ms>.<id>`
    /// of the last one seen), and the cursor of the next page when there is one.
    /// Ids whose campaign has expired are dropped from the index on the way.
    public func list(after cursor: (millis: Int64, id: String)?, limit: Int, nowMillis: Int64) async throws
        -> (records: [CampaignRecord], next: (millis: Int64, id: String)?)
    {
        var records: [CampaignRecord] = []
        var position = cursor
        var exhausted = false
        while records.count < limit, !exhausted {
            let low = position.map { String($0.millis) } ?? "-inf"
            let reply = try await redis.send([
                "ZRANGE", CampaignKeys.ids, low, "+inf", "BYSCORE", "LIMIT", "0", String(limit + 64), "WITHSCORES",
            ]).orThrow().array
            var entries: [(id: String, millis: Int64)] = []
            for index in stride(from: 0, to: reply.count - 1, by: 2) {
                guard let id = reply[index].string, let score = reply[index + 1].string.flatMap({ Double($0) }) else { continue }
                let millis = Int64(score)
                if let position, millis == position.millis, id <= position.id { continue }
                entries.append((id, millis))
            }
            exhausted = reply.count < (limit + 64) * 2
            guard !entries.isEmpty else {
                if !exhausted, let last = reply.last?.string.flatMap({ Double($0) }) {
                    // A full page of one millisecond already seen: step past it.
                    position = (Int64(last) + 1, "")
                    continue
                }
                break
            }
            var gone: [String] = []
            for entry in entries {
                if records.count == limit { exhausted = false; break }
                position = (entry.millis, entry.id)
                if let record = try await record(id: entry.id, nowMillis: nowMillis) {
                    records.append(record)
                } else {
                    gone.append(entry.id)
                }
            }
            if !gone.isEmpty { _ = try await redis.send(["ZREM", CampaignKeys.ids] + gone) }
        }
        return (records, records.count == limit && !exhausted ? position : nil)
    }
}
