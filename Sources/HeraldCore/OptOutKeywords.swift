/// The replies that mean "stop texting me" or "start again", as carriers,
/// Twilio and Chinese operators recognise them: the whole message, in any
/// case and any width (ＳＴＯＰ is STOP), surrounding space and trailing
/// punctuation ignored.
public enum OptOutKeywords {
    public enum Intent: Sendable, Equatable {
        case optOut
        case optIn
    }

    static let optOut: Set<String> = [
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "TD", "T", "R", "N", "退订",
    ]
    static let optIn: Set<String> = ["START", "UNSTOP", "YES"]

    /// What an inbound message asks for, or nil for an ordinary reply.
    public static func intent(of body: String) -> Intent? {
        let word = normalized(body)
        if optOut.contains(word) { return .optOut }
        if optIn.contains(word) { return .optIn }
        return nil
    }

    /// The body folded to half width and upper case, without surrounding
    /// space or trailing punctuation: the form keywords are compared in.
    static func normalized(_ body: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in body.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)  // full-width ASCII forms
            case 0x3000: scalars.append(" ")  // ideographic space
            default: scalars.append(scalar)
            }
        }
        var characters = Substring(String(scalars))
        while let last = characters.last, last.isWhitespace || last.isPunctuation {
            characters = characters.dropLast()
        }
        while let first = characters.first, first.isWhitespace { characters = characters.dropFirst() }
        return characters.uppercased()
    }
}
