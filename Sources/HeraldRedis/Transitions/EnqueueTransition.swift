import HeraldCore

/// `enqueue.lua` as one typed call: up to `MessageStore.enqueueChunk`
/// messages of one channel partition stored and queued (or scheduled) at
/// once, each unless its idempotency key names an original. Its keys,
/// arguments and reply are named here, so no caller lays out a message's
/// positions or reads `parts[2 * i + 1]`.
public enum EnqueueTransition {
    /// What the script answers: per message, in call order, created (under
    /// the id it was given) or replayed (the original's id).
    public struct Reply: Sendable, Equatable {
        /// One per message of the call, in its order.
        public var results: [EnqueueResult]

        /// Reads the flat reply (1 or 0, then the id, per message) of a call of `count` messages.
        @_spi(Benchmarks) public init(_ value: RedisValue, count: Int) throws {
            let parts = value.array
            guard parts.count == count * 2 else {
                throw RedisError.unexpectedReply("enqueue.lua returned \(parts.count) items for \(count) messages")
            }
            results = try (0..<count).map { position in
                guard let id = parts[position * 2 + 1].string else { throw RedisError.unexpectedReply("enqueue.lua id") }
                return parts[position * 2].integer == 1 ? .created(id: id) : .replayed(id: id)
            }
        }
    }

    /// The call for `messages` (each with the id it is to be stored under),
    /// all of the partition `keys`. `recheck` is set when an earlier try of
    /// the same call may have run: a message whose hash already exists under
    /// its id is then reported created, not stored again.
    @_spi(Benchmarks) public static func call(_ messages: [(message: NewMessage, id: String)], keys: ChannelKeys, settings: StoreSettings,
                     nowMillis: Int64, recheck: Bool) -> (keys: [String], arguments: [String])
    {
        var callKeys: [String] = []
        callKeys.reserveCapacity(messages.count * 3 + 1)
        var arguments = [String(nowMillis), String(settings.idempotencyTTLSeconds), String(settings.terminalTTLSeconds)]
        arguments.reserveCapacity(3 + messages.count * 30)
        for (message, id) in messages {
            callKeys.append(keys.message(id))
            callKeys.append(keys.idempotency(message.idempotencyKey ?? ""))
            callKeys.append(keys.stream(message.priority))
            var fields = message.storedFields()
            // Suppressions are looked up by fingerprint; an encrypted recipient
            // gets its fingerprint in the worker, once decrypted.
            if message.toEncryption == nil {
                fields.append((MessageHash.recipientFingerprint, settings.fingerprints.of(message.to, on: message.channel)))
            }
            arguments.append(id)
            // A preset id (a campaign recipient's, derived from campaign and person)
            // may be stored already: the hash under it tells.
            arguments.append(message.idempotencyKey != nil ? "1" : recheck || message.presetID != nil ? "2" : "0")
            arguments.append(String(message.sendAtMillis ?? 0))
            arguments.append(String(message.segments ?? 0))
            arguments.append(String(fields.count * 2))
            for (field, value) in fields {
                arguments.append(field)
                arguments.append(value)
            }
        }
        callKeys.append(keys.delayed)
        return (callKeys, arguments)
    }
}
