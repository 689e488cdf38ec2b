/// The request fields of a stored message that no Lua transition looks at
/// (recipient, content, locale, …), packed into one hash field, `p`.
///
/// A message hash used to hold a field per request field: a dozen or more
/// entries for Redis to insert at acceptance and for `claim.lua` to fetch one
/// by one. Packed, acceptance writes about half the fields and the claim
/// reads one. Each field is `name:<UTF-8 byte count>:value`, so a value may
/// hold any text, separators included.
public enum MessagePayload {
    /// The hash field the payload is stored in.
    public static let field = "p"

    public static func encode(_ fields: [(String, String)]) -> String {
        var out = ""
        out.reserveCapacity(fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 6 })
        for (name, value) in fields {
            out += name
            out += ":"
            out += String(value.utf8.count)
            out += ":"
            out += value
        }
        return out
    }

    /// The fields, in order; nil when `text` is not a payload.
    public static func decode(_ text: String) -> [(String, String)]? {
        let bytes = Array(text.utf8)
        var fields: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            guard let nameEnd = bytes[index...].firstIndex(of: UInt8(ascii: ":")) else { return nil }
            var cursor = nameEnd + 1
            var length = 0
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: ":") {
                guard (48...57).contains(bytes[cursor]), length < 100_000_000 else { return nil }
                length = length * 10 + Int(bytes[cursor] - 48)
                cursor += 1
            }
            guard cursor < bytes.count, cursor > nameEnd + 1, cursor + 1 + length <= bytes.count else { return nil }
            let name = String(decoding: bytes[index..<nameEnd], as: UTF8.self)
            let value = String(decoding: bytes[(cursor + 1)..<(cursor + 1 + length)], as: UTF8.self)
            fields.append((name, value))
            index = cursor + 1 + length
        }
        return fields
    }
}
