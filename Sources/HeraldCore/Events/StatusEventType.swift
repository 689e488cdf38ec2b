/// The status events Herald pushes to callers: what a subscription's
/// `events` names, and each event's `type`.
public enum StatusEventType: String, CaseIterable, Sendable, Hashable, Codable {
    case accepted, sent, delivered, undelivered, failed, suppressed, expired, canceled
    case clicked, converted
    /// A person opted out (an unsubscribe link, STOP, a provider's opt-out): not about one message.
    case unsubscribed
    case campaignCompleted = "campaign.completed"

    /// The types a subscription names, `["*"]` for all; the first unknown one is refused, named.
    public static func parse(_ names: [String], field: String) throws(APIError) -> Set<StatusEventType> {
        guard !names.isEmpty else { throw .invalid(field, "\(field) must name at least one event type, or \"*\"") }
        if names == ["*"] { return Set(allCases) }
        var types = Set<StatusEventType>()
        for name in names {
            guard let type = StatusEventType(rawValue: name) else {
                throw .invalid(field, "unknown event type '\(name.prefix(40))'; types are \"*\" or "
                    + allCases.map(\.rawValue).joined(separator: ", "))
            }
            types.insert(type)
        }
        return types
    }
}
