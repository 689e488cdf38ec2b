import HeraldCore

/// The dispatcher's side of the Redis model: reading and reclaiming stream
/// entries, and the claim / sent / retry / promote transitions.
public struct DispatchStore: Sendable {
    public let redis: any RedisCommands
    public let settings: StoreSettings
    /// `sent.lua` and `retry.lua`, their concurrent runs sharing round trips.
    private let sent: CoalescedScript
    private let retry: CoalescedScript
    /// Which campaigns are paused or canceled, for the campaign gate.
    public let campaignStates: CampaignStateCache

    public init(redis: any RedisCommands, settings: StoreSettings) {
        campaignStates = CampaignStateCache(redis: redis)
        sent = CoalescedScript(Scripts.sent, redis: redis)
        retry = CoalescedScript(Scripts.retry, redis: redis)
        self.redis = redis
        self.settings = settings
    }

    /// Creates the consumer group on every stream of the channel (idempotent).
    public func ensureGroups(_ keys: ChannelKeys) async throws {
        let replies = try await redis.pipeline(keys.streams.map {
            ["XGROUP", "CREATE", $0, settings.consumerGroup, "0", "MKSTREAM"]
        })
        for reply in replies {
            if case .error(let message) = reply, !message.hasPrefix("BUSYGROUP") { throw RedisError.reply(message) }
        }
    }

    /// Reads new entries from the channel's streams, high priority first;
    /// with `ownPending`, the entries this consumer read before and has not
    /// finished instead (after a lost connection, so they need not wait for
    /// the visibility timeout).
    public func read(
        _ keys: ChannelKeys, consumer: String, count: Int, blockMillis: Int, on connection: RedisConnection,
        ownPending: Bool = false
    ) async throws -> [StreamEntry] {
        let streams = keys.streams
        let command = ["XREADGROUP", "GROUP", settings.consumerGroup, consumer, "COUNT", String(count)]
            + (ownPending ? [] : ["BLOCK", String(blockMillis)])
            + ["STREAMS"] + streams + streams.map { _ in ownPending ? "0" : ">" }
        let reply = try await connection.pipeline([command], readTimeoutMillis: blockMillis + 10_000)[0].orThrow()
        var entries: [StreamEntry] = []
        for streamReply in reply.array {
            let parts = streamReply.array
            guard parts.count == 2, let stream = parts[0].string else { continue }
            entries.append(contentsOf: Self.entries(parts[1], stream: stream))
        }
        let order = Dictionary(uniqueKeysWithValues: streams.enumerated().map { ($1, $0) })
        return entries.sorted { order[$0.stream, default: 0] < order[$1.stream, default: 0] }
    }

    /// Takes over entries other consumers have held longer than the visibility timeout.
    public func reclaim(_ keys: ChannelKeys, consumer: String, minIdleMillis: Int, count: Int) async throws
        -> [StreamEntry]
    {
        var entries: [StreamEntry] = []
        for stream in keys.streams {
            var cursor = "0-0"
            repeat {
                let reply = try await redis.send([
                    "XAUTOCLAIM", stream, settings.consumerGroup, consumer, String(minIdleMillis), cursor,
                    "COUNT", String(count),
                ]).orThrow()
                let parts = reply.array
                guard parts.count >= 2 else { break }
                cursor = parts[0].string ?? "0-0"
                entries.append(contentsOf: Self.entries(parts[1], stream: stream))
                // Entries whose message field vanished (deleted entries) are reported as ids in parts[2].
            } while cursor != "0-0" && entries.count < count
        }
        return entries
    }

    static func entries(_ reply: RedisValue, stream: String) -> [StreamEntry] {
        reply.array.compactMap { item in
            let pair = item.array
            guard pair.count == 2, let entryID = pair[0].string else { return nil }
            let fields = pair[1].array
            var messageID = ""
            var index = 0
            while index + 1 < fields.count {
                if fields[index].string == "id" { messageID = fields[index + 1].string ?? "" }
                index += 2
            }
            return StreamEntry(stream: stream, entryID: entryID, messageID: messageID)
        }
    }

    /// Marks entries of one partition `sending`, in one pipelined round trip,
    /// then checks their recipients and users against the channel's
    /// suppressions in one more (they live in the channel's slot). Entries
    /// that must not be sent (canceled, already sent, expired) are
    /// acknowledged and dropped, and suppressed ones end `suppressed`; each is
    /// reported to `skipped` with its reason.
    public func claim(
        _ entries: [StreamEntry], keys: ChannelKeys, nowMillis: Int64, skipped: (String) -> Void = { _ in }
    ) async throws -> [ClaimedMessage] {
        guard !entries.isEmpty else { return [] }
        let replies = try await redis.runMany(Scripts.claim, calls: entries.map { entry in
            ClaimTransition.call(entry, keys: keys, settings: settings, nowMillis: nowMillis)
        })
        var claimed: [ClaimedMessage] = []
        claimed.reserveCapacity(entries.count)
        for (entry, value) in zip(entries, replies) {
            let reply = try ClaimTransition.Reply(value)
            if case .skip(let reason) = reply { skipped(reason) }
            if let message = ClaimTransition.claimed(reply, entry: entry, keys: keys) { claimed.append(message) }
        }
        return try await withoutSuppressed(claimed, keys: keys, nowMillis: nowMillis, skipped: skipped)
    }

    /// The claimed messages whose recipient (by fingerprint) and user are not
    /// suppressed for their category; the others are held as `suppressed`.
    private func withoutSuppressed(
        _ claimed: [ClaimedMessage], keys: ChannelKeys, nowMillis: Int64, skipped: (String) -> Void
    ) async throws -> [ClaimedMessage] {
        let fingerprints = claimed.compactMap(\.fingerprint)
        let users = claimed.compactMap(\.message.userID)
        guard !fingerprints.isEmpty || !users.isEmpty else { return claimed }
        var commands: [[String]] = []
        if !fingerprints.isEmpty { commands.append(["HMGET", keys.suppressions] + fingerprints) }
        if !users.isEmpty { commands.append(["HMGET", keys.suppressedUsers] + users) }
        let replies = try await redis.pipeline(commands)
        var byFingerprint: [String: Suppression] = [:]
        var byUser: [String: Suppression] = [:]
        if !fingerprints.isEmpty {
            for (fingerprint, entry) in zip(fingerprints, try replies[0].orThrow().array) {
                if let suppression = entry.string.flatMap(Suppression.init(stored:)) { byFingerprint[fingerprint] = suppression }
            }
        }
        if !users.isEmpty {
            for (user, entry) in zip(users, try replies[replies.count - 1].orThrow().array) {
                if let suppression = entry.string.flatMap(Suppression.init(stored:)) { byUser[user] = suppression }
            }
        }
        guard !byFingerprint.isEmpty || !byUser.isEmpty else { return claimed }
        var sendable: [ClaimedMessage] = []
        var held: [(ClaimedMessage, String)] = []
        for message in claimed {
            let category = message.message.category
            let blocking = [message.fingerprint.flatMap { byFingerprint[$0] }, message.message.userID.flatMap { byUser[$0] }]
                .compactMap { $0 }.first { $0.blocks(category) }
            if let blocking { held.append((message, blocking.reason.rawValue)) } else { sendable.append(message) }
        }
        for reply in try await redis.runMany(Scripts.hold, calls: held.map { message, reason in
            HoldTransition.call(message, .suppress(reason: reason), event: "suppressed", detail: reason, settings: settings,
                                nowMillis: nowMillis)
        }) { _ = try HoldTransition.Reply(reply) }
        for _ in held { skipped("suppressed") }
        return sendable
    }

    /// Records a provider's acceptance; returns the status the message ended at
    /// (further than `status` when a receipt had raced ahead).
    @discardableResult
    public func markAccepted(
        _ claimed: ClaimedMessage, provider: String, providerMessageID: String, status: MessageStatus,
        indexProviderID: Bool = true, nowMillis: Int64, note: String = ""
    ) async throws -> String {
        let call = SentTransition.call(claimed, provider: provider, providerMessageID: providerMessageID, status: status,
                                       note: note, indexProviderID: indexProviderID, settings: settings, nowMillis: nowMillis)
        let reply = try SentTransition.Reply(try await sent.run(keys: call.keys, arguments: call.arguments))
        // An early receipt said the recipient cannot or will not receive.
        if case .recorded(_, let suppress?) = reply {
            try await SuppressionStore.add(fingerprint: suppress.fingerprint, on: claimed.partition.channel,
                                           entry: suppress.entry, by: .provider(provider), audit: settings.audit, redis: redis)
        }
        return reply.status
    }

    /// Records a failed attempt: scheduled for retry at `dueMillis`, or failed
    /// and dead-lettered. `suppress` adds the recipient to the channel's
    /// suppressions; with `endSuppressed` the message ends `suppressed`
    /// instead of `failed`. Returns "retrying", "failed", "suppressed" or "skip".
    @discardableResult
    public func markFailed(
        _ claimed: ClaimedMessage, provider: String, code: String, message: String, permanent: Bool,
        dueMillis: Int64, maxAttempts: Int, nowMillis: Int64, suppress: Suppression? = nil, endSuppressed: Bool = false,
        suppressing suppressedKey: String? = nil
    ) async throws -> String {
        let fingerprint = suppressedKey.map { settings.fingerprints.of($0, on: claimed.partition.channel) } ?? claimed.fingerprint
        if let suppress, let fingerprint {
            try await SuppressionStore.add(fingerprint: fingerprint, on: claimed.partition.channel, entry: suppress.stored,
                                           by: .provider(provider), audit: settings.audit, redis: redis)
        }
        let call = RetryTransition.call(
            claimed,
            RetryTransition.Failure(provider: provider, code: code, message: message, permanent: permanent,
                                    dueMillis: dueMillis, maxAttempts: maxAttempts, suppress: suppress,
                                    endSuppressed: endSuppressed),
            settings: settings, nowMillis: nowMillis)
        let reply = try RetryTransition.Reply(try await retry.run(keys: call.keys, arguments: call.arguments))
        if reply == .retrying { DelayedWorkNotices.shared.note(claimed.partition.channel, dueMillis: dueMillis) }
        return reply.rawValue
    }

    /// Reserves a send slot in the provider's bucket.
    public func reserveToken(provider: String, limit: RateLimit) async throws -> TokenReservation {
        let call = RateTransition.take(ChannelKeys.rateBucket(provider), limit)
        return try RateTransition.TakeReply(try await redis.run(Scripts.rateTake, keys: call.keys, arguments: call.arguments))
    }

    /// Pauses the provider's bucket for every instance (the provider said 429).
    public func pauseBucket(provider: String, millis: Int64) async throws {
        let call = RateTransition.pause(ChannelKeys.rateBucket(provider), millis: millis)
        _ = try RateTransition.PauseReply(try await redis.run(Scripts.ratePause, keys: call.keys, arguments: call.arguments))
    }

    /// Puts a claimed message back for later: the provider's rate limit had no
    /// token for it. The attempt does not count.
    public func markThrottled(_ claimed: ClaimedMessage, provider: String, dueMillis: Int64, nowMillis: Int64)
        async throws
    {
        try await hold(claimed, .until(dueMillis: dueMillis), event: "throttled",
                       detail: "\(provider) rate limit; next attempt at \(dueMillis)", nowMillis: nowMillis)
    }

    /// What a sending policy does with a message it holds back.
    public typealias Hold = HoldTransition.Hold

    /// Holds a claimed message back before any provider call (quiet hours,
    /// fatigue, a rate limit), recording `event` with `detail`. The attempt does not count.
    @discardableResult
    public func hold(_ claimed: ClaimedMessage, _ hold: Hold, event: String, detail: String, nowMillis: Int64)
        async throws -> HoldTransition.Reply
    {
        let call = HoldTransition.call(claimed, hold, event: event, detail: detail, settings: settings, nowMillis: nowMillis)
        let reply = try HoldTransition.Reply(try await redis.run(Scripts.hold, keys: call.keys, arguments: call.arguments))
        if case .until(let due) = hold, case .held = reply {
            DelayedWorkNotices.shared.note(claimed.partition.channel, dueMillis: due)
        }
        return reply
    }

    /// For a recipient the worker just decrypted: records its fingerprint on
    /// the message (so receipts can suppress it) and returns its suppression
    /// entry, if any, in one pipelined round trip.
    public func revealFingerprint(_ claimed: ClaimedMessage, fingerprint: String) async throws -> Suppression? {
        let keys = claimed.partition
        let replies = try await redis.pipeline([
            ["HSET", keys.message(claimed.message.id), MessageHash.recipientFingerprint, fingerprint],
            ["HGET", keys.suppressions, fingerprint],
        ])
        _ = try replies[0].orThrow()
        return try replies[1].orThrow().string.flatMap(Suppression.init(stored:))
    }

    /// The suppression of `key` on the message's channel (a topic of its
    /// recipient, `Suppression.topicRecipient`), if any.
    public func suppression(of key: String, for claimed: ClaimedMessage) async throws -> Suppression? {
        let fingerprint = settings.fingerprints.of(key, on: claimed.partition.channel)
        return try await redis.send(["HGET", claimed.partition.suppressions, fingerprint]).orThrow().string
            .flatMap(Suppression.init(stored:))
    }

    /// Gives back entries read but not claimed (the worker is stopping): they
    /// are queued again at once for another reader, and none stays pending
    /// under this consumer. Returns how many were given back.
    @discardableResult
    public func release(_ entries: [StreamEntry], keys: ChannelKeys) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let call = ReleaseTransition.call(entries, keys: keys, settings: settings)
        return try ReleaseTransition.Reply(try await redis.run(Scripts.release, keys: call.keys, arguments: call.arguments))
            .released
    }

    /// Moves due delayed messages of every partition to their ready streams,
    /// in one pipelined round trip; returns, per partition, how many moved
    /// (`limit` means more may be due there) and when its next one is due.
    public func promoteDue(_ partitions: [ChannelKeys], nowMillis: Int64, limit: Int = 1_000) async throws
        -> [PromoteTransition.Reply]
    {
        try await redis.runMany(Scripts.promote, calls: partitions.map {
            PromoteTransition.call($0, nowMillis: nowMillis, limit: limit)
        }).map { try PromoteTransition.Reply($0) }
    }
}
