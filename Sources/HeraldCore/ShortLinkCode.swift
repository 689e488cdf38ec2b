/// Short link codes: 8 base62 characters drawn from the system CSPRNG
/// (`getrandom`), about 47.6 bits, so codes are neither sequential nor
/// guessable; a lookup of a wrong code is a 404, never someone else's link.
public enum ShortLinkCode {
    public static let length = 8
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new random code.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        while bytes.count < length {
            var word = generator.next()
            for _ in 0..<8 where bytes.count < length {
                let value = UInt8(truncatingIfNeeded: word) & 0x3f
                word >>= 8
                if value < 62 { bytes.append(alphabet[Int(value)]) } // rejection keeps every character equally likely
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `code` could be one Herald issued (7–16 base62 characters).
    public static func isWellFormed(_ code: Substring) -> Bool {
        (7...16).contains(code.utf8.count) && code.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        }
    }
}
