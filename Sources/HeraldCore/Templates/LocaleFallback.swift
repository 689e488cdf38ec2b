import Foundation

/// The order in which a locale's template variants are tried: a BCP 47 tag
/// loses one subtag at a time, then the template's default
/// (`zh-Hant-TW → zh-Hant → zh → default`). Tags compare case-insensitively,
/// and `_` is read as `-` because data platforms send both (`zh_TW`).
public enum LocaleFallback {
    public static func chain(_ locale: String?) -> [String] {
        var chain: [String] = []
        if let locale, !locale.isEmpty {
            var parts = canonical(locale).split(separator: "-").map(String.init)
            while !parts.isEmpty {
                chain.append(parts.joined(separator: "-"))
                parts.removeLast()
            }
        }
        chain.append(MessageTemplate.defaultLocale)
        return chain
    }

    /// The stored form of a locale key: `zh_hant_tw` → `zh-Hant-TW`, so that a
    /// PUT and a message agree however either spells it.
    public static func canonical(_ locale: String) -> String {
        let parts = locale.replacingOccurrences(of: "_", with: "-").split(separator: "-", omittingEmptySubsequences: true)
        guard let language = parts.first else { return locale }
        if language.lowercased() == MessageTemplate.defaultLocale { return MessageTemplate.defaultLocale }
        var out = [language.lowercased()]
        for part in parts.dropFirst() {
            switch part.count {
            case 4 where part.allSatisfy(\.isLetter): out.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
            case 2 where part.allSatisfy(\.isLetter): out.append(part.uppercased())
            default: out.append(part.lowercased())
            }
        }
        return out.joined(separator: "-")
    }

    /// Whether a locale key is a plausible BCP 47 tag (or `default`): letters,
    /// digits and separators, at most 35 characters.
    public static func isValid(_ locale: String) -> Bool {
        !locale.isEmpty && locale.utf8.count <= 35
            && locale.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) || $0 == 0x2d || $0 == 0x5f }
    }
}
