/// How many parts an SMS body travels in, as carriers bill it and as Twilio's
/// segment calculator counts: GSM-7 (160 septets, or 153 a part when
/// concatenated, an extension-table character taking 2 septets that are never
/// split across parts) when every character is in the GSM 03.38 tables, else
/// UCS-2 (70 UTF-16 units, or 67 a part), where a part never splits a
/// grapheme: surrogate pairs, ZWJ emoji and flags stay whole.
public struct SMSSegments: Sendable, Equatable {
    public enum Encoding: String, Sendable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public let encoding: Encoding
    /// Parts the message is sent in.
    public let count: Int

    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    public init(_ body: String) {
        if body.unicodeScalars.allSatisfy({ Self.basic.contains($0) || Self.extended.contains($0) }) {
            encoding = .gsm7
            let septets = body.unicodeScalars.map { Self.extended.contains($0) ? 2 : 1 }
            count = Self.pack(septets, single: 160, part: 153)
        } else {
            encoding = .ucs2
            count = Self.pack(body.map { $0.utf16.count }, single: 70, part: 67)
        }
    }

    /// Parts needed for units that must each stay whole within a part.
    static func pack(_ units: [Int], single: Int, part: Int) -> Int {
        let total = units.reduce(0, +)
        if total <= single { return 1 }
        var parts = 1, used = 0
        for unit in units {
            if used + unit > part, used > 0 {
                parts += 1
                used = 0
            }
            used += unit
        }
        return parts
    }
}
