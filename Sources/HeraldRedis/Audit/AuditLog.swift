import HeraldCore

/// Reads the audit log: one stream per hash tag (`AuditTrail.tags`), merged
/// in time order. Writing is done by the transitions themselves (lib_audit.lua).
public struct AuditLog: Sendable {
    public let redis: any RedisCommands

    public init(redis: any RedisCommands) {
        self.redis = redis
    }

    /// What a listing is narrowed to.
    public struct Filter: Sendable {
        public var actor: String?
        public var action: String?

        public init(actor: String? = nil, action: String? = nil) {
            self.actor = actor
            self.action = action
        }

        func matches(_ entry: AuditEntry) -> Bool {
            (actor.map { $0 == entry.actorID } ?? true) && (action.map { $0 == entry.action } ?? true)
        }
    }

    /// Up to `limit` entries after `after`, oldest first, and the cursor to
    /// read on from (nil when the log holds nothing more). Each stream gives
    /// its own first `limit` matches; the merged first `limit` are the answer.
    public func entries(after: AuditCursor?, limit: Int, filter: Filter) async throws
        -> (entries: [AuditEntry], next: AuditCursor?)
    {
        var merged: [AuditEntry] = []
        var more = false
        for tag in AuditTrail.tags {
            let (found, exhausted) = try await matches(tag: tag, after: after, limit: limit, filter: filter)
            merged += found
            if !exhausted { more = true }
        }
        merged.sort { $0.cursor < $1.cursor }
        if merged.count > limit {
            merged.removeLast(merged.count - limit)
            more = true
        }
        return (merged, more ? merged.last?.cursor ?? after : nil)
    }

    private func matches(tag: String, after: AuditCursor?, limit: Int, filter: Filter) async throws
        -> (entries: [AuditEntry], exhausted: Bool)
    {
        var start = "-"
        if let after {
            // A stream whose tag sorts after the cursor's also holds entries of the cursor's own id that come later.
            start = (tag > after.tag ? "" : "(") + after.streamID
        }
        var found: [AuditEntry] = []
        // A filter reads on until it has `limit` matches or the stream ends: an
        // admin's occasional query, bounded by the retention.
        while found.count < limit {
            let batch = try await redis.send(
                ["XRANGE", AuditTrail.stream(tag: tag), start, "+", "COUNT", "500"]).orThrow().array
            let entries = batch.compactMap { AuditEntry(tag: tag, item: $0) }
            found += entries.filter(filter.matches)
            guard batch.count == 500, let last = entries.last else { return (Array(found.prefix(limit)), true) }
            start = "(" + last.cursor.streamID
        }
        return (Array(found.prefix(limit)), false)
    }
}
