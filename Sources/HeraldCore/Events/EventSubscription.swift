/// A caller's standing order for status events: where to POST them, which
/// types, optionally only one campaign's, and the secret that signs them
/// (`Herald-Signature`, the webhook channel's scheme).
public struct EventSubscription: Sendable, Equatable, Codable {
    /// `evs_` and 20 random characters; also the hash tag of its queue's keys.
    public var id: String
    public var url: String
    public var events: Set<StatusEventType>
    /// Only this campaign's events; nil for every message's.
    public var campaign: String?
    public var secret: String
    public var createdAtMillis: Int64

    enum CodingKeys: String, CodingKey {
        case id, url, events, campaign, secret
        case createdAtMillis = "created_at"
    }

    public init(id: String, url: String, events: Set<StatusEventType>, campaign: String?, secret: String,
                createdAtMillis: Int64)
    {
        self.id = id
        self.url = url
        self.events = events
        self.campaign = campaign
        self.secret = secret
        self.createdAtMillis = createdAtMillis
    }

    /// Whether an event of `type` for a message of `campaign` goes to this subscription.
    public func wants(_ type: StatusEventType, campaign eventCampaign: String?) -> Bool {
        guard events.contains(type) else { return false }
        guard let campaign else { return true }
        return campaign == eventCampaign
    }

    /// A new subscription's id.
    public static func newID() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "evs_" + String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// Whether `text` could be a subscription id (what a path parameter is checked against before any Redis key is made of it).
    public static func isID(_ text: String) -> Bool {
        text.hasPrefix("evs_") && text.utf8.count == 24 && text.utf8.dropFirst(4).allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a)
        }
    }
}
