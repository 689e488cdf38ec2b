/// Random lowercase hex for provider ids (Twilio's `SM…` sids, WeChat tokens):
/// cheaper than formatting a UUID and stripping its dashes on every request.
public enum RandomHex {
    /// `count` hex digits (a multiple of 16).
    public static func make(_ count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(count)
        for _ in 0..<(count / 16) {
            let word = String(generator.next() as UInt64, radix: 16)
            text += String(repeating: "0", count: 16 - word.count) + word
        }
        return text
    }
}
