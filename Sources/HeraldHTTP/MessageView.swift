import Foundation
import HeraldCore
import HeraldRedis

/// The JSON shape of `GET /v1/messages/{id}`.
struct MessageView: Encodable {
    struct Event: Encodable {
        let at: String
        let type: String
        let detail: String?
    }

    let id: String
    let channel: String?
    let status: String
    let to: String?
    let category: String?
    let priority: String?
    let campaign: String?
    let attempts: Int
    let provider: String?
    let providerMessageID: String?
    let error: String?
    let createdAt: String?
    let sendAt: String?
    let expiresAt: String?
    let nextAttemptAt: String?
    let events: [Event]
    /// For SMS, the parts the body travels in.
    let segments: Int?
    /// Events left out to keep the history bounded (the oldest after `queued`); absent when none were.
    let eventsDropped: Int?
    /// `name@version` of the template the content was rendered from.
    let template: String?
    /// How `to` is encrypted, when it is (it is shown as the caller sent it, never in clear).
    let toEncryption: String?
    /// When a short link of the message was first clicked, and how often its links were clicked.
    let clickedAt: String?
    let clicks: Int?

    enum CodingKeys: String, CodingKey {
        case id, channel, status, to, category, priority, campaign, attempts, provider, error, events
        case providerMessageID = "provider_message_id"
        case createdAt = "created_at"
        case sendAt = "send_at"
        case expiresAt = "expires_at"
        case nextAttemptAt = "next_attempt_at"
        case eventsDropped = "events_dropped"
        case segments, template, clicks
        case toEncryption = "to_encryption"
        case clickedAt = "clicked_at"
    }

    init(_ message: StoredMessage) {
        let fields = message.fields
        id = message.id
        channel = fields[MessageHash.channel]
        status = fields[MessageHash.status] ?? "unknown"
        to = fields[MessageHash.to]
        category = fields[MessageHash.category]
        priority = fields[MessageHash.priority]
        campaign = fields[MessageHash.campaign]
        attempts = message.attempts
        provider = fields[MessageHash.provider]
        providerMessageID = fields[MessageHash.providerMessageID]
        error = fields[MessageHash.error]
        createdAt = fields[MessageHash.createdAt].flatMap(Self.time)
        sendAt = fields[MessageHash.sendAt].flatMap(Self.time)
        expiresAt = fields[MessageHash.expiresAt].flatMap(Self.time)
        nextAttemptAt = message.status == .retrying ? fields[MessageHash.nextAttemptAt].flatMap(Self.time) : nil
        eventsDropped = fields[MessageHash.eventsDropped].flatMap { Int($0) }
        segments = fields[MessageHash.segments].flatMap { Int($0) }
        template = fields[MessageHash.template]
        toEncryption = fields[MessageHash.toEncryption]
        clickedAt = fields[MessageHash.clickedAt].flatMap(Self.time)
        clicks = fields[MessageHash.clicks].flatMap { Int($0) }
        events = message.events.map { event in
            Event(at: Self.time(event.at), type: event.type, detail: event.detail.isEmpty ? nil : event.detail)
        }
    }

    static func time(_ millis: String) -> String? { Int64(millis).map(time) }

    static func time(_ millis: Int64) -> String { RFC3339.format(millis: millis) }
}
