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
        case .push, .wechat, .miniprogram, .wecom: token(value)
        }
    }

    /// Masks every `+`-prefixed phone number (8–15 digits) and every e-mail
    /// address found in free text, as a last guard for log lines: code masks
    /// the values it logs, and this catches what slipped through (an error
    /// message quoting a recipient, say). Bare digit runs are left alone:
    /// they are mostly timestamps and ids.
    public static func scrub(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                var end = index + 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
                if (8...15).contains(end - index - 1) {
                    output += Array(phone(String(decoding: bytes[index..<end], as: UTF8.self)).utf8)
                    index = end
                    continue
                }
            }
            if isEmailLocal(byte) {
                var at = index
                while at < bytes.count, isEmailLocal(bytes[at]) { at += 1 }
                if at < bytes.count, bytes[at] == UInt8(ascii: "@") {
                    var end = at + 1
                    while end < bytes.count, isDomain(bytes[end]) { end += 1 }
                    let domain = bytes[(at + 1)..<end]
                    if domain.contains(UInt8(ascii: ".")), domain.first != UInt8(ascii: "."), domain.count >= 3 {
                        output.append(bytes[index])
                        output += Array("***".utf8)
                        output += bytes[at..<end]
                        index = end
                        continue
                    }
                }
            }
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    private static func isEmailLocal(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }

    private static func isDomain(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
