import Foundation
import HeraldCore

/// One event of SendGrid's Event Webhook (a JSON array per post), and what
/// it means for Herald: a status move, an engagement event, a suppression.
public struct SendGridEvent: Sendable, Equatable, Codable {
    public var email: String
    public var timestamp: Int64
    public var event: String
    public var sgEventID: String
    public var sgMessageID: String?
    public var reason: String?
    public var type: String?
    public var url: String?
    /// Herald's message id, from the custom arg set at send time.
    public var heraldID: String?

    enum CodingKeys: String, CodingKey {
        case email, timestamp, event, reason, type, url
        case sgEventID = "sg_event_id"
        case sgMessageID = "sg_message_id"
        case heraldID = "herald_id"
    }

    /// As openapi.yaml types them: an optional member may be absent, but not
    /// null (SendGrid leaves out what an event lacks); a wrong type is refused.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func optional(_ key: CodingKeys) throws -> String? {
            container.contains(key) ? try container.decode(String.self, forKey: key) : nil
        }
        email = try container.decode(String.self, forKey: .email)
        timestamp = try container.decode(Int64.self, forKey: .timestamp)
        event = try container.decode(String.self, forKey: .event)
        sgEventID = try container.decode(String.self, forKey: .sgEventID)
        sgMessageID = try optional(.sgMessageID)
        reason = try optional(.reason)
        type = try optional(.type)
        url = try optional(.url)
        heraldID = try optional(.heraldID)
    }

    public init(email: String, timestamp: Int64, event: String, sgEventID: String, sgMessageID: String?,
                reason: String? = nil, type: String? = nil, url: String? = nil, heraldID: String? = nil)
    {
        self.email = email
        self.timestamp = timestamp
        self.event = event
        self.sgEventID = sgEventID
        self.sgMessageID = sgMessageID
        self.reason = reason
        self.type = type
        self.url = url
        self.heraldID = heraldID
    }

    /// Parses a webhook body; nil unless it is a JSON array of events.
    public static func parse(_ body: Data) -> [SendGridEvent]? {
        try? JSONDecoder().decode([SendGridEvent].self, from: body)
    }

    /// The `X-Message-Id` this event belongs to: `sg_message_id` is that id
    /// followed by `.filter…` routing detail, matched here byte for byte.
    public var providerMessageID: String? {
        guard let sgMessageID, let head = sgMessageID.split(separator: ".", maxSplits: 1).first else { return nil }
        return String(head)
    }

    /// What the event does to the message; nil for events Herald ignores (processed).
    public var kind: ReceiptKind? {
        switch event {
        case "delivered": .status(.delivered)
        case "bounce", "dropped": .status(.undelivered)
        case "deferred": .event(.deferred)
        case "open": .event(.opened)
        case "click": .event(.clicked)
        case "unsubscribe", "group_unsubscribe": .event(.unsubscribed)
        case "spamreport": .event(.complained)
        default: nil
        }
    }

    /// The suppression the event calls for: a hard bounce or an address
    /// SendGrid drops as bounced or invalid makes the recipient invalid; an
    /// unsubscribe stops marketing; a spam report stops everything.
    public var suppression: Suppression? {
        switch event {
        case "bounce" where type != "blocked": Suppression(scope: .all, reason: .invalidRecipient)
        case "dropped":
            switch reason ?? "" {
            case let text where text.contains("Bounced") || text.contains("Invalid"):
                Suppression(scope: .all, reason: .invalidRecipient)
            case let text where text.contains("Unsubscribed"): Suppression(scope: .marketing, reason: .unsubscribed)
            case let text where text.contains("Spam"): Suppression(scope: .all, reason: .complaint)
            default: nil
            }
        case "unsubscribe", "group_unsubscribe": Suppression(scope: .marketing, reason: .unsubscribed)
        case "spamreport": Suppression(scope: .all, reason: .complaint)
        default: nil
        }
    }

    /// The event's detail line in the message history.
    public var detail: String {
        [reason, url].compactMap { $0.map { String($0.prefix(200)) } }.joined(separator: " ")
    }
}
