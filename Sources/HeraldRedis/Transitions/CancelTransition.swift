import HeraldCore

/// `cancel.lua` as one typed call: a message no worker has started sending
/// (queued, scheduled, retrying) → canceled; canceling twice is no error.
public enum CancelTransition {
    /// What the script answers is what `DELETE /v1/messages/{id}` reports.
    public typealias Reply = CancelResult

    /// The call for the message `id` of the partition `keys`.
    static func call(id: String, keys: ChannelKeys, settings: StoreSettings, nowMillis: Int64)
        -> (keys: [String], arguments: [String])
    {
        ([keys.message(id), keys.delayed], [String(nowMillis), id, String(settings.terminalTTLSeconds)])
    }
}

extension CancelResult {
    /// Reads `{'canceled'|'conflict'|'missing', status}`; throws on any other shape.
    init(_ value: RedisValue) throws {
        let parts = value.array
        switch parts.first?.string {
        case "canceled"? where parts.count == 2: self = .canceled
        case "missing"? where parts.count == 2: self = .notFound
        case "conflict"? where parts.count == 2: self = .conflict(status: parts[1].string ?? "")
        default: throw RedisError.unexpectedReply("cancel.lua returned \(value)")
        }
    }
}
