import HeraldCore

/// The API side of the Redis model: accept, read, cancel, and apply receipts.
/// Each operation is one Lua transition (or one pipelined batch of them).
public struct MessageStore: Sendable {
    public let redis: any RedisCommands
    public let settings: StoreSettings
    /// `receipt.lua`, concurrent receipts sharing round trips.
    private let receipts: CoalescedScript
    /// Whether event subscriptions exist: then every accepted message's status
    /// changes are written to its outbox (status events).
    public let events: EventPresence

    public init(redis: any RedisCommands, settings: StoreSettings = StoreSettings(), events: EventPresence? = nil) {
        receipts = CoalescedScript(Scripts.receipt, redis: redis)
        self.redis = redis
        self.settings = settings
        self.events = events ?? EventPresence(redis: redis)
    }

    /// Messages per `enqueue.lua` call: large enough to amortise the script
    /// call, small enough that one call holds Redis for well under a millisecond.
    static let enqueueChunk = 100

    /// The id a new message gets: in the partition its idempotency key hashes
    /// to, or a random one. A caller that needs the id before enqueueing
    /// (short links carry it) sets it as the message's `presetID`.
    public func newID(for message: NewMessage, nowMillis: Int64) -> String {
        MessageID.make(channel: message.channel, partition: settings.partitions.pick(idempotencyKey: message.idempotencyKey),
                       nowMillis: nowMillis)
    }

    /// Stores messages and queues them, all in one pipelined round trip.
    /// Messages are grouped by channel partition (one hash slot each) into
    /// calls of up to `enqueueChunk`; each call is atomic. Results are in input order.
    ///
    /// A call Redis could not take (a master down, a connection lost) is
    /// tried again, with the same ids, until `storeRetryMillis` has passed;
    /// a retry of a call that may have run finds the messages it stored and
    /// does not store them twice. So a message is either stored once, or
    /// refused with a reason (`EnqueueResult.refused`) saying whether it may
    /// be stored: never stored twice because a caller retried what Herald
    /// told it was not stored.
    public func enqueue(_ messages: [NewMessage], nowMillis: Int64) async throws -> [EnqueueResult] {
        var messages = messages
        if events.active(nowMillis: nowMillis) {
            for index in messages.indices { messages[index].publishesEvents = true }
        }
        let earlier = try await replaysUnderPreviousLayout(messages, nowMillis: nowMillis)
        guard !earlier.isEmpty else { return try await store(messages, nowMillis: nowMillis) }
        let fresh = messages.indices.filter { earlier[$0] == nil }
        var results = earlier.mapValues { EnqueueResult.replayed(id: $0) }
        for (index, result) in zip(fresh, try await store(fresh.map { messages[$0] }, nowMillis: nowMillis)) {
            results[index] = result
        }
        return messages.indices.map { results[$0]! }
    }

    /// Originals of idempotency keys stored under the partition count before
    /// the last change (within the idempotency window a key may hash to
    /// another partition now), by message index; one pipelined lookup.
    private func replaysUnderPreviousLayout(_ messages: [NewMessage], nowMillis: Int64) async throws -> [Int: String] {
        let layout = settings.layout
        guard layout.previous != layout.current else { return [:] }
        var lookups: [(index: Int, key: String)] = []
        for (index, message) in messages.enumerated() {
            guard let key = message.idempotencyKey,
                  let partition = layout.previousPartition(
                      idempotencyKey: key, nowMillis: nowMillis, windowSeconds: settings.idempotencyTTLSeconds)
            else { continue }
            lookups.append((index, ChannelKeys(message.channel, partition: partition).idempotency(key)))
        }
        guard !lookups.isEmpty else { return [:] }
        let replies = try await redis.pipeline(lookups.map { ["GET", $0.key] })
        var found: [Int: String] = [:]
        for (lookup, reply) in zip(lookups, replies) {
            if let id = reply.string { found[lookup.index] = id }
        }
        return found
    }

    private func store(_ messages: [NewMessage], nowMillis: Int64) async throws -> [EnqueueResult] {
        guard !messages.isEmpty else { return [] }
        var indexesBySlot: [String: (keys: ChannelKeys, indexes: [Int])] = [:]
        var ids: [String] = []
        ids.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            let id = message.presetID ?? newID(for: message, nowMillis: nowMillis)
            ids.append(id)
            let keys = ChannelKeys(messageID: id) ?? ChannelKeys(message.channel)
            indexesBySlot[keys.prefix, default: (keys, [])].indexes.append(index)
        }
        var chunks: [(keys: ChannelKeys, indexes: [Int])] = []
        for (keys, indexes) in indexesBySlot.values {
            var start = 0
            while start < indexes.count {
                chunks.append((keys, Array(indexes[start..<min(indexes.count, start + Self.enqueueChunk)])))
                start += Self.enqueueChunk
            }
        }
        func call(_ chunk: Int, recheck: Bool) -> (keys: [String], arguments: [String]) {
            EnqueueTransition.call(chunks[chunk].indexes.map { (messages[$0], ids[$0]) }, keys: chunks[chunk].keys,
                                   settings: settings, nowMillis: nowMillis, recheck: recheck)
        }
        var results = [EnqueueResult?](repeating: nil, count: messages.count)
        var mayHaveRun = [Bool](repeating: false, count: chunks.count)
        var todo = Array(chunks.indices)
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(settings.storeRetryMillis))
        var pause = Duration.milliseconds(50)
        while true {
            let outcomes = await redis.runManyOutcomes(Scripts.enqueue, calls: todo.map { call($0, recheck: mayHaveRun[$0]) })
            var again: [Int] = []
            for (chunk, outcome) in zip(todo, outcomes) {
                let indexes = chunks[chunk].indexes
                let failure: RedisError
                switch outcome {
                case .success(.error(let message)): failure = .reply(message)
                case .success(let reply):
                    for (index, result) in zip(indexes, try EnqueueTransition.Reply(reply, count: indexes.count).results) {
                        results[index] = result
                    }
                    continue
                case .failure(let error): failure = error
                }
                if failure.mayHaveRun { mayHaveRun[chunk] = true }
                if failure.isOutOfMemory, !mayHaveRun[chunk] {
                    for index in indexes { results[index] = .refused(id: ids[index], .storeFull) }
                } else if failure.isTransient || failure.isOutOfMemory {
                    again.append(chunk)
                } else {
                    throw failure
                }
            }
            guard !again.isEmpty else { break }
            guard ContinuousClock.now.advanced(by: pause) < deadline else {
                for chunk in again {
                    for index in chunks[chunk].indexes {
                        results[index] = .refused(id: ids[index], mayHaveRun[chunk] ? .outcomeUnknown : .unavailable)
                    }
                }
                break
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(1_000))
            todo = again
        }
        for (message, result) in zip(messages, results) {
            if let due = message.sendAtMillis, case .created? = result {
                DelayedWorkNotices.shared.note(message.channel, dueMillis: due)
            }
        }
        return results.map { $0! }
    }

    /// The message and its history, or nil when unknown or expired.
    public func message(id: String) async throws -> StoredMessage? {
        guard let keys = ChannelKeys(messageID: id) else { return nil }
        let reply = try await redis.send(["HGETALL", keys.message(id)]).orThrow()
        guard !reply.array.isEmpty else { return nil }
        return StoredMessage(id: id, stored: reply.fields)
    }

    /// Cancels a message that has not started sending.
    public func cancel(id: String, nowMillis: Int64) async throws -> CancelResult {
        guard let keys = ChannelKeys(messageID: id) else { return .notFound }
        let call = CancelTransition.call(id: id, keys: keys, settings: settings, nowMillis: nowMillis)
        return try CancelTransition.Reply(try await redis.run(Scripts.cancel, keys: call.keys, arguments: call.arguments))
    }

    /// Applies one receipt of `provider` (see `ProviderReceipt`); concurrent
    /// ones share a pipelined request.
    public func applyReceipt(_ receipt: ProviderReceipt, from provider: String, nowMillis: Int64) async throws
        -> (result: ReceiptResult, messageID: String)
    {
        let partitions = try await receiptPartitions([receipt], from: provider)[0]
        if partitions.count == 1 {
            let call = ReceiptTransition.call(receipt, from: provider, keys: partitions[0], settings: settings,
                                              nowMillis: nowMillis)
            let reply = try ReceiptTransition.Reply(try await receipts.run(keys: call.keys, arguments: call.arguments))
            try await suppress([(receipt, reply)], from: provider)
            return (reply.result, reply.messageID)
        }
        return try await applyEverywhere(receipt, from: provider, partitions, nowMillis: nowMillis)
    }

    /// Applies the receipts of one provider post (an Aliyun or SendGrid array)
    /// in one pipelined round trip, in their order.
    public func applyReceipts(_ updates: [ProviderReceipt], from provider: String, nowMillis: Int64) async throws
        -> [(result: ReceiptResult, messageID: String)]
    {
        let partitions = try await receiptPartitions(updates, from: provider)
        var results = [(result: ReceiptResult, messageID: String)?](repeating: nil, count: updates.count)
        let direct = updates.indices.filter { partitions[$0].count == 1 }
        let replies = try await redis.runMany(Scripts.receipt, calls: direct.map {
            ReceiptTransition.call(updates[$0], from: provider, keys: partitions[$0][0], settings: settings, nowMillis: nowMillis)
        }).map(ReceiptTransition.Reply.init)
        try await suppress(zip(direct, replies).map { (updates[$0], $1) }, from: provider)
        for (index, reply) in zip(direct, replies) { results[index] = (reply.result, reply.messageID) }
        for index in updates.indices where partitions[index].count > 1 {
            results[index] = try await applyEverywhere(updates[index], from: provider, partitions[index], nowMillis: nowMillis)
        }
        return results.map { $0! }
    }

    /// The partition each receipt belongs to: the one in the message id when
    /// the provider echoed it, the only one, or the one whose provider-id
    /// index has the provider's id (one pipelined lookup for all). A receipt
    /// whose id is in no index yet (it beat the worker's sent.lua) gets every
    /// partition: it is kept as early in each, and the one whose sent.lua
    /// comes applies it; the others expire unread.
    private func receiptPartitions(_ updates: [ProviderReceipt], from provider: String) async throws -> [[ChannelKeys]] {
        var found = updates.map { update -> [ChannelKeys]? in
            if let id = update.messageID, let keys = ChannelKeys(messageID: id) { return [keys] }
            return settings.layout.readCount == 1 ? [ChannelKeys(update.channel)] : nil
        }
        let unknown = found.indices.filter { found[$0] == nil }
        guard !unknown.isEmpty else { return found.map { $0! } }
        let candidates = unknown.map { ChannelKeys.all(updates[$0].channel, settings.layout.read) }
        var lookups: [[String]] = []
        for (index, all) in zip(unknown, candidates) {
            for keys in all {
                lookups.append(["EXISTS", keys.providerMessage(provider, updates[index].providerMessageID)])
            }
        }
        let replies = try await redis.pipeline(lookups)
        var position = 0
        for (index, all) in zip(unknown, candidates) {
            let hits = all.indices.filter { replies[position + $0].integer == 1 }
            found[index] = hits.count == 1 ? [all[hits[0]]] : all
            position += all.count
        }
        return found.map { $0! }
    }

    /// A receipt whose partition is unknown, run in every partition: the one
    /// that knows the provider id applies it, the others keep it as early.
    private func applyEverywhere(_ receipt: ProviderReceipt, from provider: String, _ partitions: [ChannelKeys],
                                 nowMillis: Int64) async throws
        -> (result: ReceiptResult, messageID: String)
    {
        let replies = try await redis.runMany(Scripts.receipt, calls: partitions.map {
            ReceiptTransition.call(receipt, from: provider, keys: $0, settings: settings, nowMillis: nowMillis)
        }).map(ReceiptTransition.Reply.init)
        try await suppress(replies.map { (receipt, $0) }, from: provider)
        let reply = replies.first { $0.result != .early } ?? replies[0]
        return (reply.result, reply.messageID)
    }

    /// Adds the recipients the receipts said cannot or will not receive to
    /// their channel's suppressions (in the channel's slot, so not inside receipt.lua).
    private func suppress(_ applied: [(ProviderReceipt, ReceiptTransition.Reply)], from provider: String) async throws {
        let calls = applied.compactMap { receipt, reply -> (keys: [String], arguments: [String])? in
            guard let entry = receipt.suppression?.stored, let fingerprint = reply.suppressFingerprint else { return nil }
            return SuppressionTransition.put(.recipient(fingerprint: fingerprint, on: receipt.channel), entry: entry,
                                             audit: settings.audit, by: .provider(provider))
        }
        guard !calls.isEmpty else { return }
        _ = try await redis.runMany(Scripts.suppressionPut, calls: calls)
    }

    /// Each channel's backlog over all its partitions, in one pipelined round
    /// trip. A stream without the consumer group yet (no worker has started)
    /// counts nothing pending.
    public func queueDepths(_ channels: [Channel], nowMillis: Int64) async throws -> [Channel: QueueDepth] {
        var commands: [[String]] = []
        for channel in channels {
            for keys in ChannelKeys.all(channel, settings.layout.read) {
                for stream in keys.streams {
                    commands += [["XLEN", stream], ["XRANGE", stream, "-", "+", "COUNT", "1"],
                                 ["XPENDING", stream, settings.consumerGroup]]
                }
                commands.append(["ZCARD", keys.delayed])
            }
        }
        var replies = try await redis.pipeline(commands)[...]
        var depths: [Channel: QueueDepth] = [:]
        for channel in channels {
            var depth = QueueDepth(ready: 0, pending: 0, delayed: 0, oldestAgeSeconds: 0)
            var oldest: Int64?
            for _ in settings.layout.read.all {
                for _ in Priority.allCases {
                    let length = replies.popFirst(), first = replies.popFirst(), pending = replies.popFirst()
                    depth.ready += length?.integer ?? 0
                    depth.pending += pending?.array.first?.integer ?? 0
                    if let id = first?.array.first?.array.first?.string,
                       let millis = id.split(separator: "-").first.flatMap({ Int64($0) })
                    {
                        oldest = min(oldest ?? millis, millis)
                    }
                }
                depth.delayed += replies.popFirst()?.integer ?? 0
            }
            depth.oldestAgeSeconds = oldest.map { Double(max(0, nowMillis - $0)) / 1000 } ?? 0
            depths[channel] = depth
        }
        return depths
    }

    /// Round-trips a PING: the readiness probe.
    public func ping() async throws -> Bool {
        try await redis.send(["PING"]).string == "PONG"
    }
}
