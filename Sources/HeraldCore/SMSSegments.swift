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

    /// Septets of each ASCII byte in GSM-7: 1 basic, 2 extension table, 0 not encodable.
    static let asciiSeptets: [UInt8] = (0..<128).map { byte in
        let scalar = Unicode.Scalar(UInt8(byte))
        return basic.contains(scalar) ? 1 : extended.contains(scalar) ? 2 : 0
    }

    public init(_ body: String) {
        // This runs for every SMS accepted: one pass, no arrays, a table for ASCII.
        var gsm = Packer(single: 160, part: 153)
        var encodable = true
        for scalar in body.unicodeScalars {
            let septets: Int
            if scalar.value < 128 {
                septets = Int(Self.asciiSeptets[Int(scalar.value)])
            } else {
                septets = Self.basic.contains(scalar) ? 1 : Self.extended.contains(scalar) ? 2 : 0
            }
            guard septets > 0 else {
                encodable = false
                break
            }
            gsm.add(septets)
        }
        if encodable {
            encoding = .gsm7
            count = gsm.parts
            return
        }
        var ucs2 = Packer(single: 70, part: 67)
        for character in body { ucs2.add(character.utf16.count) }
        encoding = .ucs2
        count = ucs2.parts
    }

    /// Packs units that must each stay whole into parts, counting the total
    /// too: a message that fits the single-part size is one part, whatever the packing.
    struct Packer {
        let single: Int
        let part: Int
        var total = 0
        var packed = 1
        var used = 0

        init(single: Int, part: Int) {
            self.single = single
            self.part = part
        }

        mutating func add(_ units: Int) {
            total += units
            if used + units > part, used > 0 {
                packed += 1
                used = 0
            }
            used += units
        }

        var parts: Int { total <= single ? 1 : packed }
    }
}
