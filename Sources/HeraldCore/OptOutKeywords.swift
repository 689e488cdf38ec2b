import Foundation

/// The replies that mean "stop texting me" or "start again", as carriers and
/// Twilio recognise them (the whole message, any case, surrounding space
/// ignored), plus the Chinese conventions TD and 退订.
public enum OptOutKeywords {
    public enum Intent: Sendable, Equatable {
        case optOut
        case optIn
    }

    static let optOut: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "TD", "退订"]
    static let optIn: Set<String> = ["START", "UNSTOP", "YES", "OPTIN"]

    /// What an inbound message asks for, or nil for an ordinary reply.
    public static func intent(of body: String) -> Intent? {
        let word = body.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        if optOut.contains(word) { return .optOut }
        if optIn.contains(word) { return .optIn }
        return nil
    }
}
