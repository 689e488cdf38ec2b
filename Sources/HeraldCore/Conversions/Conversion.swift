import Crypto
import Foundation

/// A validated conversion: an event a caller reports (a purchase, a sign-up)
/// and how to find the message, or the person, it is attributed to.
public struct Conversion: Sendable, Equatable {
    /// How the caller named what caused the conversion.
    public enum Target: Sendable, Equatable {
        case message(String)
        case link(String)
        /// A person (`u:<user id>` or `t:<recipient>`, as a campaign's import
        /// knew them), within one campaign or, without one, by last touch.
        case person(identity: String, campaign: String?)
    }

    public var event: String
    public var occurredAtMillis: Int64
    /// The value in millionths, so counters stay integers.
    public var valueMicros: Int64?
    public var currency: String?
    public var idempotencyKey: String
    public var target: Target

    /// The idempotency key as stored: its SHA-256 in hex, so a caller's key
    /// (which may carry an order number) is not kept in clear.
    public var idempotencyDigest: String {
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(idempotencyKey.utf8)) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The largest value: in millionths, a billion leaves room for millions of conversions per counter.
    public static let maxValue = 1e9
    /// How far ahead of this gateway's clock `occurred_at` may be (clock skew).
    public static let futureToleranceMillis: Int64 = 60_000

    /// Checks a decoded body; the error names the field.
    public static func validate(_ request: ConversionRequest, nowMillis: Int64) throws(APIError) -> Conversion {
        guard let event = request.event else { throw .missing("event") }
        guard CampaignConversion.isValidEvent(event) else {
            throw .invalid("event", "event must be 1–64 characters of A–Z, a–z, 0–9, _ . : and -")
        }
        guard let occurred = request.occurredAt else { throw .missing("occurred_at") }
        let occurredAt = try MessageValidator.parseTime(occurred, field: "occurred_at")
        guard occurredAt <= nowMillis + futureToleranceMillis else {
            throw .invalid("occurred_at", "occurred_at is in the future")
        }
        var micros: Int64?
        if let value = request.value {
            guard value.isFinite, abs(value) <= maxValue else {
                throw .invalid("value", "value must be a finite number of at most 1e9 in absolute value")
            }
            micros = Int64((value * 1_000_000).rounded())
        }
        if let currency = request.currency {
            guard micros != nil else { throw .invalid("currency", "currency needs a value") }
            guard currency.utf8.count == 3, currency.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw .invalid("currency", "currency must be an ISO 4217 code of three capital letters, such as CNY")
            }
        }
        guard let key = request.idempotencyKey else { throw .missing("idempotency_key") }
        guard (1...255).contains(key.utf8.count) else {
            throw .invalid("idempotency_key", "idempotency_key must be 1–255 characters")
        }
        let target = try target(request)
        return Conversion(event: event, occurredAtMillis: occurredAt, valueMicros: micros, currency: request.currency,
                          idempotencyKey: key, target: target)
    }

    static func target(_ request: ConversionRequest) throws(APIError) -> Target {
        var found: Target?
        var fields: [String] = []
        if let id = request.messageID {
            guard MessageID.parse(id) != nil else { throw .invalid("message_id", "message_id is not a message id of this gateway") }
            found = .message(id)
            fields.append("message_id")
        }
        if let code = request.linkCode {
            guard ShortLinkCode.isWellFormed(Substring(code)) else { throw .invalid("link_code", "link_code is not a short link code") }
            found = found ?? .link(code)
            fields.append("link_code")
        }
        if request.userID != nil, request.to != nil {
            throw .invalid("to", "name the person by user_id or by to, not both")
        }
        if let user = request.userID {
            guard (1...128).contains(user.utf8.count) else { throw .invalid("user_id", "user_id must be 1–128 characters") }
            found = found ?? .person(identity: "u:" + user, campaign: request.campaign)
            fields.append("user_id")
        } else if let to = request.to {
            guard (1...512).contains(to.utf8.count) else { throw .invalid("to", "to must be 1–512 characters") }
            let folded = to.contains("@") ? to.lowercased() : to
            found = found ?? .person(identity: "t:" + folded, campaign: request.campaign)
            fields.append("to")
        }
        if let campaign = request.campaign {
            guard CampaignDefinition.isValidID(campaign) else {
                throw .invalid("campaign", "campaign must be 1–64 characters of A–Z, a–z, 0–9, _ and -")
            }
            guard fields.last == "user_id" || fields.last == "to" else {
                throw .invalid("user_id", "a campaign alone names no one: give user_id or to with it", code: "missing_field")
            }
        }
        guard fields.count <= 1 else {
            throw .invalid(fields[1], "give one of message_id, link_code, or a person (user_id or to): \(fields.joined(separator: " and ")) given")
        }
        guard let found else {
            throw .invalid("message_id", "a conversion needs message_id, link_code, or user_id or to (with campaign, optionally)",
                           code: "missing_field")
        }
        return found
    }
}
