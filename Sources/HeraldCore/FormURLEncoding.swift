/// `application/x-www-form-urlencoded`, as Twilio's API and its status
/// callbacks use it. Encoding escapes everything but RFC 3986 unreserved
/// characters; decoding accepts `+` for space.
public enum FormURLEncoding {
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    public static func escape(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a form body; nil when a `%` escape is malformed or a name or
    /// value is not UTF-8. Works on the bytes: receipts are decoded on every
    /// callback, and splitting a `String` by characters cost more than the
    /// signature check.
    public static func decode(_ body: String) -> [(String, String)]? {
        var body = body
        return body.withUTF8 { decode(bytes: $0) }
    }

    /// `decode(_:)` over raw bytes.
    public static func decode(bytes: UnsafeBufferPointer<UInt8>) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                guard let key = unescape(bytes, start..<equals),
                      let value = equals < end ? unescape(bytes, (equals + 1)..<end) : ""
                else { return nil }
                pairs.append((key, value))
            }
            start = end + 1
        }
        return pairs
    }

    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index + 2 < range.upperBound, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 2
            default: out.append(byte)
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    /// The value of one hex digit (either case); shared with `JSONParser`'s `\u` escapes.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
