import HeraldCore

/// A message as read back from its Redis hash, for `GET /v1/messages/{id}`:
/// the hash's fields with the payload (`MessagePayload`) unpacked among them
/// and the defaults it leaves out filled in, so readers see every field by name.
public struct StoredMessage: Sendable, Equatable {
    /// The message's id (the hash's key names it; it is not a field).
    public var id: String
    /// Every field by its `MessageHash` name, the payload's included.
    public var fields: [String: String]

    /// A message whose fields are already unpacked.
    public init(id: String, fields: [String: String]) {
        self.id = id
        self.fields = fields
    }

    /// From the hash as stored: `p` unpacked, `channel`, `category` and
    /// `priority` defaulted. A message stored before payloads has its fields
    /// one by one and reads the same.
    public init(id: String, stored: [String: String]) {
        var fields = stored
        if let packed = fields.removeValue(forKey: MessageHash.payload), let payload = MessagePayload.decode(packed) {
            for (name, value) in payload where fields[name] == nil { fields[name] = value }
        }
        if fields[MessageHash.channel] == nil { fields[MessageHash.channel] = MessageID.channel(of: id)?.rawValue }
        if fields[MessageHash.category] == nil { fields[MessageHash.category] = MessageCategory.transactional.rawValue }
        if fields[MessageHash.priority] == nil { fields[MessageHash.priority] = Priority.normal.rawValue }
        self.init(id: id, fields: fields)
    }

    /// The status, typed; nil when the hash has none Herald knows.
    public var status: MessageStatus? { fields[MessageHash.status].flatMap(MessageStatus.init(rawValue:)) }
    /// Attempts made so far (0 before the first claim).
    public var attempts: Int { fields[MessageHash.attempts].flatMap(Int.init) ?? 0 }

    /// Events in the order they happened, as stored (`StoredEvent` reads them).
    public var eventLines: [String] {
        (fields[MessageHash.events] ?? "").split(separator: "\n").map(String.init)
    }

    /// Events in the order they happened. sent.lua writes its event without
    /// the provider and its id (they are fields of the hash already): they
    /// are put back here, so the history reads "accepted by twilio as SM…".
    public var events: [StoredEvent] {
        (fields[MessageHash.events] ?? "").split(separator: "\n").compactMap { line in
            guard var event = StoredEvent(line: line) else { return nil }
            if !event.legacy, event.type == MessageStatus.sent.rawValue || event.type == MessageStatus.delivered.rawValue,
               let provider = fields[MessageHash.provider]
            {
                event.detail = "accepted by \(provider) as \(fields[MessageHash.providerMessageID] ?? "")" + event.detail
            }
            return event
        }
    }
}
