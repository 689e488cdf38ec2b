import Foundation

/// The opt-out instruction marketing SMS must carry (`Reply STOP to opt out`,
/// `拒收请回复R`): Herald appends the configured one to a marketing body that
/// has none, so no campaign goes out without telling people how to stop it.
public struct OptOutNotice: Sendable, Equatable {
    /// The text appended, as configured (`HERALD_SMS_OPT_OUT_TEXT`).
    public let text: String

    public init?(_ text: String?) {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        self.text = text
    }

    /// `body` with the notice appended, unless it already tells how to opt out:
    /// the configured text itself, 退订 or 拒收, or "reply/text STOP"-style wording.
    public func applied(to body: String) -> String {
        if carriesOptOut(body) { return body }
        let separator = body.last.map { $0.isWhitespace } ?? true ? "" : " "
        return body + separator + text
    }

    func carriesOptOut(_ body: String) -> Bool {
        if body.range(of: text, options: [.caseInsensitive, .widthInsensitive]) != nil { return true }
        if body.contains("退订") || body.contains("拒收") { return true }
        let words = body.uppercased().split { !$0.isLetter }
        for (verb, keyword) in zip(words, words.dropFirst())
            where ["REPLY", "TEXT", "TXT", "SEND"].contains(verb) && OptOutKeywords.optOut.contains(String(keyword))
        {
            return true
        }
        return false
    }
}
