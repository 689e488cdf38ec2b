import HeraldCore

/// A Twilio StatusCallback, reduced to what moves a message: the Message SID,
/// Herald's status for Twilio's `MessageStatus`, and the error code if any.
public struct TwilioStatusCallback: Sendable, Equatable {
    public var messageSID: String
    /// Twilio's own status word, used to deduplicate redeliveries.
    public var twilioStatus: String
    /// nil for intermediate statuses (queued, accepted, sending) that change nothing.
    public var status: MessageStatus?
    public var errorCode: String?

    /// Parses the form parameters; nil when MessageSid or MessageStatus is missing or malformed.
    public init?(parameters: [(String, String)]) {
        var sid: String?
        var twilioStatus: String?
        var errorCode: String?
        for (key, value) in parameters {
            switch key {
            case "MessageSid", "SmsSid": sid = sid ?? value
            case "MessageStatus", "SmsStatus": twilioStatus = twilioStatus ?? value
            case "ErrorCode": errorCode = value.isEmpty ? nil : value
            default: break
            }
        }
        guard let sid, (2...64).contains(sid.utf8.count),
              sid.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) }),
              let twilioStatus, Self.knownStatuses.contains(twilioStatus)
        else { return nil }
        self.messageSID = sid
        self.twilioStatus = twilioStatus
        self.errorCode = errorCode
        self.status = switch twilioStatus {
        case "sent": .sent
        case "delivered", "read": .delivered
        case "undelivered": .undelivered
        case "failed", "canceled": .failed
        default: nil
        }
    }

    static let knownStatuses: Set<String> = [
        "accepted", "scheduled", "queued", "sending", "sent", "delivered", "read", "undelivered", "failed", "canceled",
        "receiving", "received", "partially_delivered",
    ]
}
