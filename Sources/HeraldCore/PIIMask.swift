/// Masks personal data before it reaches a log line: phone numbers keep their
/// country prefix and last two digits, addresses their first letter and domain,
/// tokens their first four characters.
public enum PIIMask {
    /// `+8613800138000` → `+86*********00`.
    public static func phone(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 5 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 5) + String(chars.suffix(2))
    }

    /// `alice@example.com` → `a***@example.com`.
    public static func email(_ value: String) -> String {
        guard let at = value.firstIndex(of: "@"), at != value.startIndex else { return token(value) }
        return String(value[value.startIndex]) + "***" + String(value[at...])
    }

    /// Shows only the first four characters of a secret or device token.
    public static func token(_ value: String) -> String {
        value.count <= 4 ? "****" : String(value.prefix(4)) + "…(\(value.count))"
    }

    /// A URL is masked down to scheme and host: paths and queries may carry tokens.
    public static func url(_ value: String) -> String {
        guard let schemeEnd = value.range(of: "://") else { return token(value) }
        let rest = value[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        return String(value[..<schemeEnd.upperBound]) + host + "/…"
    }

    /// Masks a recipient according to the channel's address kind.
    public static func recipient(_ value: String, channel: Channel) -> String {
        switch channel {
        case .sms: phone(value)
        case .email: email(value)
        case .webhook: url(value)
        case .push, .wechat: token(value)
        }
    }
}
