import HeraldCore

/// A message as read back from its Redis hash, for `GET /v1/messages/{id}`:
/// the hash's fields with the payload (`MessagePayload`) unpacked among them
/// and the defaults it leaves out filled in, so readers see every field by name.
public struct StoredMessage: Sendable, Equatable {
    public var id: String
    public var fields: [String: String]

    public init(id: String, fields: [String: String]) {
        self.id = id
        self.fields = fields
    }

    /// From the hash as stored: `p` unpacked, `channel`, `category` and
    /// `priority` defaulted. A message stored before payloads has its fields
    /// one by one and reads the same.
    public init(id: String, stored: [String: String]) {
        var fields = stored
        if let packed = fields.removeValue(forKey: MessagePayload.field), let payload = MessagePayload.decode(packed) {
            for (name, value) in payload where fields[name] == nil { fields[name] = value }
        }
        if fields["channel"] == nil { fields["channel"] = MessageID.channel(of: id)?.rawValue }
        if fields["category"] == nil { fields["category"] = MessageCategory.transactional.rawValue }
        if fields["priority"] == nil { fields["priority"] = Priority.normal.rawValue }
        self.init(id: id, fields: fields)
    }

    public var status: MessageStatus? { fields["status"].flatMap(MessageStatus.init(rawValue:)) }
    public var attempts: Int { fields["attempts"].flatMap(Int.init) ?? 0 }

    /// Events in the order they happened.
    public var eventLines: [String] {
        (fields["events"] ?? "").split(separator: "\n").map(String.init)
    }
}
