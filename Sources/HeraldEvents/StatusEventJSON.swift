import HeraldCore
import HeraldRedis

/// The JSON of one status event as receivers get it (README "Status
/// events"): its id (stable across redeliveries, so a receiver dedupes by
/// it), type, message, per-message sequence, time, status, provider, error,
/// and the caller's own fields.
enum StatusEventJSON {
    /// The event id of an outbox entry: its outbox's hash tag and stream id.
    static func id(_ entry: EventOutbox.Entry) -> String {
        let tag = entry.outbox.split(separator: "{").last?.split(separator: "}").first ?? "x"
        var id = "evt_"
        for character in tag.unicodeScalars { id.unicodeScalars.append(character == ":" ? "." : character) }
        id += "_"
        for character in entry.entryID.unicodeScalars { id.unicodeScalars.append(character == "-" ? "_" : character) }
        return id
    }

    static func make(_ entry: EventOutbox.Entry, type: StatusEventType, id: String) -> String {
        var json = #"{"id":"# + JSONText.quoted(id) + #","type":"# + JSONText.quoted(type.rawValue)
        json += #","occurred_at":"# + JSONText.quoted(RFC3339.format(millis: entry.atMillis))
        json += #","sequence":"# + String(entry.sequence)
        if type == .campaignCompleted {
            return json + #","campaign":"# + JSONText.quoted(entry.campaign) + "}"
        }
        if entry.messageID.isEmpty {
            // An event about a person, not a message (`unsubscribed`): its fields are in the caller fields.
            return json + splice(entry.callerFields) + "}"
        }
        json += #","message_id":"# + JSONText.quoted(entry.messageID)
        if let channel = MessageID.parse(entry.messageID)?.channel { json += #","channel":"# + JSONText.quoted(channel.rawValue) }
        json += #","status":"# + JSONText.quoted(entry.status)
        json += #","provider":"# + (entry.provider.isEmpty ? "null" : JSONText.quoted(entry.provider))
        switch type {
        case .failed, .undelivered, .suppressed, .expired:
            json += #","error":"# + (entry.detail.isEmpty ? "null" : JSONText.quoted(entry.detail))
        case .clicked:
            json += #","link":"# + JSONText.quoted(entry.detail)
        case .converted:
            json += #","conversion":"# + JSONText.quoted(entry.detail)
        default:
            break
        }
        return json + splice(entry.callerFields) + "}"
    }

    /// The members of a JSON object Herald itself stored (`NewMessage.eventFields`,
    /// an unsubscribe's fields), with a leading comma; nothing for `{}`.
    static func splice(_ object: String) -> String {
        let bytes = object.utf8
        guard bytes.count > 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return "" }
        return "," + object.dropFirst().dropLast()
    }
}
