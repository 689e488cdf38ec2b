import HeraldCore

/// The API side of the Redis model: accept, read, cancel, and apply receipts.
/// Each operation is one Lua transition (or one pipelined batch of them).
public struct MessageStore: Sendable {
    public let redis: RedisClient
    public let settings: StoreSettings

    public init(redis: RedisClient, settings: StoreSettings = StoreSettings()) {
        self.redis = redis
        self.settings = settings
    }

    /// Stores messages and queues them, all in one pipelined round trip.
    /// Each message is atomic on its own; the reply order is the input order.
    public func enqueue(_ messages: [NewMessage], nowMillis: Int64) async throws -> [EnqueueResult] {
        let calls = messages.map { message -> (keys: [String], arguments: [String]) in
            let keys = ChannelKeys(message.channel)
            let id = MessageID.make(channel: message.channel, nowMillis: nowMillis)
            var arguments = [
                id, message.idempotencyKey == nil ? "0" : "1", String(settings.idempotencyTTLSeconds),
                String(nowMillis), String(message.sendAtMillis ?? 0),
            ]
            for (field, value) in message.storedFields() {
                arguments.append(field)
                arguments.append(value)
            }
            return (
                [keys.message(id), keys.idempotency(message.idempotencyKey ?? ""), keys.stream(message.priority),
                 keys.delayed],
                arguments
            )
        }
        let replies = try await redis.runMany(Scripts.enqueue, calls: calls)
        return try replies.map { reply in
            let parts = reply.array
            guard parts.count == 2, let id = parts[1].string else {
                throw RedisError.unexpectedReply("enqueue.lua returned \(reply)")
            }
            return parts[0].integer == 1 ? .created(id: id) : .replayed(id: id)
        }
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

    /// Applies a provider receipt. `eventID` deduplicates redeliveries.
    public func applyReceipt(
        channel: Channel, provider: String, providerMessageID: String, status: MessageStatus,
        detail: String, eventID: String, nowMillis: Int64
    ) async throws -> (result: ReceiptResult, messageID: String) {
        let keys = ChannelKeys(channel)
        let reply = try await redis.run(
            Scripts.receipt,
            keys: [keys.providerMessage(provider, providerMessageID), keys.earlyReceipts(provider, providerMessageID)],
            arguments: [
                status.rawValue, String(nowMillis), detail, eventID, keys.prefix,
                String(settings.terminalTTLSeconds), String(settings.earlyReceiptTTLSeconds),
            ])
        let parts = reply.array
        guard parts.count == 2, let name = parts[0].string, let result = ReceiptResult(rawValue: name) else {
            throw RedisError.unexpectedReply("receipt.lua returned \(reply)")
        }
        return (result, parts[1].string ?? "")
    }

    /// Round-trips a PING: the readiness probe.
    public func ping() async throws -> Bool {
        try await redis.send(["PING"]).string == "PONG"
    }
}
