import HeraldCore

/// A message as read back from its Redis hash, for `GET /v1/messages/{id}`.
public struct StoredMessage: Sendable, Equatable {
    public var id: String
    public var fields: [String: String]

    public var status: MessageStatus? { fields["status"].flatMap(MessageStatus.init(rawValue:)) }
    public var attempts: Int { fields["attempts"].flatMap(Int.init) ?? 0 }

    /// Events in the order they happened.
    public var eventLines: [String] {
        (fields["events"] ?? "").split(separator: "\n").map(String.init)
    }
}
