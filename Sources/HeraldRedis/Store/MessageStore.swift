import HeraldCore

/// The API side of the Redis model: accept, read, cancel, and apply receipts.
/// Each operation is one Lua transition (or one pipelined batch of them).
public struct MessageStore: Sendable {
    public let redis: RedisClient
    public let settings: StoreSettings
    /// `receipt.lua`, concurrent receipts sharing round trips.
    private let receipts: CoalescedScript

    public init(redis: RedisClient, settings: StoreSettings = StoreSettings()) {
        receipts = CoalescedScript(Scripts.receipt, redis: redis)
        self.redis = redis
        self.settings = settings
    }

    /// Messages per `enqueue.lua` call: large enough to amortise the script
    /// call, small enough that one call holds Redis for well under a millisecond.
    static let enqueueChunk = 100

    /// Stores messages and queues them, all in one pipelined round trip.
    /// Messages are grouped by channel (one hash slot each) into calls of up
    /// to `enqueueChunk`; each call is atomic. Results are in input order.
    public func enqueue(_ messages: [NewMessage], nowMillis: Int64) async throws -> [EnqueueResult] {
        var indexesByChannel: [Channel: [Int]] = [:]
        for (index, message) in messages.enumerated() { indexesByChannel[message.channel, default: []].append(index) }
        var calls: [(keys: [String], arguments: [String])] = []
        var callIndexes: [[Int]] = []
        for (channel, indexes) in indexesByChannel {
            let keys = ChannelKeys(channel)
            var start = 0
            while start < indexes.count {
                let chunk = Array(indexes[start..<min(indexes.count, start + Self.enqueueChunk)])
                calls.append(enqueueCall(chunk.map { messages[$0] }, keys: keys, nowMillis: nowMillis))
                callIndexes.append(chunk)
                start += Self.enqueueChunk
            }
        }
        let replies = try await redis.runMany(Scripts.enqueue, calls: calls)
        var results = [EnqueueResult?](repeating: nil, count: messages.count)
        for (reply, indexes) in zip(replies, callIndexes) {
            let parts = reply.array
            guard parts.count == indexes.count * 2 else {
                throw RedisError.unexpectedReply("enqueue.lua returned \(parts.count) items for \(indexes.count) messages")
            }
            for (position, index) in indexes.enumerated() {
                guard let id = parts[position * 2 + 1].string else { throw RedisError.unexpectedReply("enqueue.lua id") }
                results[index] = parts[position * 2].integer == 1 ? .created(id: id) : .replayed(id: id)
            }
        }
        return results.map { $0! }
    }

    private func enqueueCall(_ messages: [NewMessage], keys: ChannelKeys, nowMillis: Int64)
        -> (keys: [String], arguments: [String])
    {
        var callKeys: [String] = []
        callKeys.reserveCapacity(messages.count * 3 + 1)
        var arguments = [String(nowMillis), String(settings.idempotencyTTLSeconds), String(settings.terminalTTLSeconds)]
        arguments.reserveCapacity(3 + messages.count * 30)
        for message in messages {
            let id = message.presetID ?? MessageID.make(channel: message.channel, nowMillis: nowMillis)
            callKeys.append(keys.message(id))
            callKeys.append(keys.idempotency(message.idempotencyKey ?? ""))
            callKeys.append(keys.stream(message.priority))
            var fields = message.storedFields()
            // Suppressions are looked up by fingerprint; an encrypted recipient
            // gets its fingerprint in the worker, once decrypted.
            if message.toEncryption == nil { fields.append(("rfp", settings.fingerprints.of(message.to, on: message.channel))) }
            arguments.append(id)
            arguments.append(message.idempotencyKey == nil ? "0" : "1")
            arguments.append(String(message.sendAtMillis ?? 0))
            arguments.append(String(fields.count * 2))
            for (field, value) in fields {
                arguments.append(field)
                arguments.append(value)
            }
        }
        callKeys.append(keys.delayed)
        return (callKeys, arguments)
    }

    /// The message and its history, or nil when unknown or expired.
    public func message(id: String) async throws -> StoredMessage? {
        guard let channel = MessageID.channel(of: id) else { return nil }
        let reply = try await redis.send(["HGETALL", ChannelKeys(channel).message(id)]).orThrow()
        let items = reply.array
        guard !items.isEmpty else { return nil }
        var fields: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            if let key = items[index].string { fields[key] = items[index + 1].string ?? "" }
            index += 2
        }
        return StoredMessage(id: id, fields: fields)
    }

    /// Cancels a message that has not started sending.
    public func cancel(id: String, nowMillis: Int64) async throws -> CancelResult {
        guard let channel = MessageID.channel(of: id) else { return .notFound }
        let keys = ChannelKeys(channel)
        let reply = try await redis.run(
            Scripts.cancel, keys: [keys.message(id), keys.delayed],
            arguments: [String(nowMillis), id, String(settings.terminalTTLSeconds)])
        let parts = reply.array
        switch parts.first?.string {
        case "canceled": return .canceled
        case "missing": return .notFound
        default: return .conflict(status: parts.count > 1 ? parts[1].string ?? "" : "")
        }
    }

    /// Applies one provider receipt (see `ReceiptUpdate`); concurrent ones
    /// share a pipelined request.
    public func applyReceipt(_ receipt: ReceiptUpdate, nowMillis: Int64) async throws
        -> (result: ReceiptResult, messageID: String)
    {
        let call = receiptCall(receipt, nowMillis: nowMillis)
        return try Self.receiptResult(try await receipts.run(keys: call.keys, arguments: call.arguments))
    }

    /// Applies the receipts of one provider post (an Aliyun or SendGrid array)
    /// in one pipelined round trip, in their order.
    public func applyReceipts(_ updates: [ReceiptUpdate], nowMillis: Int64) async throws
        -> [(result: ReceiptResult, messageID: String)]
    {
        try await redis.runMany(Scripts.receipt, calls: updates.map { receiptCall($0, nowMillis: nowMillis) })
            .map(Self.receiptResult)
    }

    private func receiptCall(_ receipt: ReceiptUpdate, nowMillis: Int64) -> (keys: [String], arguments: [String]) {
        let keys = ChannelKeys(receipt.channel)
        return ([keys.providerMessage(receipt.provider, receipt.providerMessageID),
                 keys.earlyReceipts(receipt.provider, receipt.providerMessageID), keys.suppressions],
                [receipt.kind.name, String(nowMillis), receipt.detail, receipt.eventID, keys.prefix,
                 String(settings.terminalTTLSeconds), String(settings.earlyReceiptTTLSeconds), receipt.messageID ?? "",
                 receipt.suppress?.stored ?? "", receipt.providerMessageID])
    }

    private static func receiptResult(_ reply: RedisValue) throws -> (result: ReceiptResult, messageID: String) {
        let parts = reply.array
        guard parts.count == 2, let name = parts[0].string, let result = ReceiptResult(rawValue: name) else {
            throw RedisError.unexpectedReply("receipt.lua returned \(reply)")
        }
        return (result, parts[1].string ?? "")
    }

    /// Each channel's backlog, in one pipelined round trip. A stream without
    /// the consumer group yet (no worker has started) counts nothing pending.
    public func queueDepths(_ channels: [Channel], nowMillis: Int64) async throws -> [Channel: QueueDepth] {
        var commands: [[String]] = []
        for channel in channels {
            let keys = ChannelKeys(channel)
            for stream in keys.streams {
                commands += [["XLEN", stream], ["XRANGE", stream, "-", "+", "COUNT", "1"],
                             ["XPENDING", stream, settings.consumerGroup]]
            }
            commands.append(["ZCARD", keys.delayed])
        }
        var replies = try await redis.pipeline(commands)[...]
        var depths: [Channel: QueueDepth] = [:]
        for channel in channels {
            var depth = QueueDepth(ready: 0, pending: 0, delayed: 0, oldestAgeSeconds: 0)
            var oldest: Int64?
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
            depth.delayed = replies.popFirst()?.integer ?? 0
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
