/// E.164 validation: `+`, a country code that does not start with 0, at most 15 digits.
///
/// Checked at the door so a malformed number never costs a provider call.
public enum PhoneNumber {
    public static func isValidE164(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count >= 8, utf8.count <= 16, utf8.first == UInt8(ascii: "+") else { return false }
        var index = 0
        for byte in utf8.dropFirst() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            if index == 0, byte == UInt8(ascii: "0") { return false }
            index += 1
        }
        return true
    }
}
