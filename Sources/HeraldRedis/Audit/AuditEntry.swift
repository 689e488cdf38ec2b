import HeraldCore

/// One recorded change, as `GET /v1/audit` lists it.
public struct AuditEntry: Sendable, Equatable {
    /// The cursor of this entry (`AuditCursor`), unique across streams.
    public var cursor: AuditCursor
    public var actorID: String
    public var actorName: String
    public var action: String
    public var target: String
    public var before: String
    public var after: String

    /// When the change was made: the stream id's time, Redis's clock.
    public var atMillis: Int64 { cursor.millis }

    /// Reads an `XRANGE` item (`[id, [field, value, …]]`); nil for anything else.
    init?(tag: String, item: RedisValue) {
        let parts = item.array
        guard parts.count == 2, let id = parts[0].string, let cursor = AuditCursor(streamID: id, tag: tag) else {
            return nil
        }
        let fields = parts[1].fields
        self.cursor = cursor
        actorID = fields["actor_id"] ?? ""
        actorName = fields["actor_name"] ?? ""
        action = fields["action"] ?? ""
        target = fields["target"] ?? ""
        before = fields["before"] ?? ""
        after = fields["after"] ?? ""
    }
}
