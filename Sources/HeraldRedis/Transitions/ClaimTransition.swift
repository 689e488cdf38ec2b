import HeraldCore

/// `claim.lua` as one typed call: queued (or stalled sending) → sending, or
/// the entry finished and skipped. Its keys, arguments and reply are named
/// here, so no caller builds positions or reads `parts[3]`.
public enum ClaimTransition {
    /// What the script answers for one entry.
    public enum Reply: Equatable, Sendable {
        /// Now `sending`: the attempt number, the packed payload (`MessagePayload`),
        /// `expires_at`, the campaign and the recipient's fingerprint as stored.
        case send(attempt: Int, payload: String, expiresAtMillis: Int64?, campaign: String?, fingerprint: String?)
        /// Not sent and acknowledged: canceled, already past sending, expired, or missing.
        case skip(reason: String)

        /// Reads the script's array reply; throws on any other shape.
        @_spi(Benchmarks) public init(_ value: RedisValue) throws {
            let parts = value.array
            switch parts.first?.string {
            case "send"? where parts.count == 6:
                self = .send(attempt: parts[1].integer ?? 1, payload: parts[2].string ?? "",
                             expiresAtMillis: parts[3].string.flatMap { Int64($0) }, campaign: parts[4].string,
                             fingerprint: parts[5].string)
            case "skip"? where parts.count == 2:
                self = .skip(reason: parts[1].string ?? "missing")
            default:
                throw RedisError.unexpectedReply("claim.lua returned \(value)")
            }
        }
    }

    /// The call for one stream entry of a partition.
    @_spi(Benchmarks) public static func call(_ entry: StreamEntry, keys: ChannelKeys, settings: StoreSettings, nowMillis: Int64)
        -> (keys: [String], arguments: [String])
    {
        ([keys.message(entry.messageID), entry.stream],
         [settings.consumerGroup, entry.entryID, String(nowMillis), String(settings.terminalTTLSeconds)])
    }

    /// The message a `send` reply hands the worker, its payload unpacked; nil for a skip.
    @_spi(Benchmarks) public static func claimed(_ reply: Reply, entry: StreamEntry, keys: ChannelKeys) -> ClaimedMessage? {
        guard case .send(let attempt, let payload, let expiresAt, let campaign, let fingerprint) = reply else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in MessagePayload.decode(payload) ?? [] { fields[name] = value }
        let message = OutboundMessage(
            id: entry.messageID, channel: keys.channel, to: fields[MessageHash.to] ?? "",
            body: fields[MessageHash.body] ?? "", subject: fields[MessageHash.subject],
            title: fields[MessageHash.title], dataJSON: fields[MessageHash.data],
            category: fields[MessageHash.category].flatMap(MessageCategory.init(rawValue:)) ?? .transactional,
            attempt: attempt, idempotencyKey: fields[MessageHash.idempotencyKey], html: fields[MessageHash.html],
            timezone: fields[MessageHash.timezone], expiresAtMillis: expiresAt, userID: fields[MessageHash.userID],
            campaign: campaign)
        return ClaimedMessage(
            entry: entry, partition: keys, message: message,
            encryption: fields[MessageHash.toEncryption].flatMap(RecipientEncryption.init(rawValue:)),
            keyID: fields[MessageHash.toKeyID], fingerprint: fingerprint)
    }
}
