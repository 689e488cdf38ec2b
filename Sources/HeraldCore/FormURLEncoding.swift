/// `application/x-www-form-urlencoded`, as Twilio's API and its status
/// callbacks use it. Encoding escapes everything but RFC 3986 unreserved
/// characters; decoding accepts `+` for space.
public enum FormURLEncoding {
    /// `name=value&…`, escaped, written into one string of its exact size:
    /// a worker encodes a form per SMS.
    public static func encode(_ pairs: [(String, String)]) -> String {
        var count = max(0, pairs.count * 2 - 1)
        for (name, value) in pairs { count += escapedCount(name) + escapedCount(value) }
        return String(unsafeUninitializedCapacity: count) { out in
            var at = 0
            for (index, (name, value)) in pairs.enumerated() {
                if index > 0 { out[at] = UInt8(ascii: "&"); at += 1 }
                write(name, to: out, at: &at)
                out[at] = UInt8(ascii: "="); at += 1
                write(value, to: out, at: &at)
            }
            return at
        }
    }

    public static func escape(_ value: String) -> String {
        String(unsafeUninitializedCapacity: escapedCount(value)) { out in
            var at = 0
            write(value, to: out, at: &at)
            return at
        }
    }

    /// RFC 3986 unreserved: the bytes that stand for themselves.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func escapedCount(_ value: String) -> Int {
        var count = 0
        for byte in value.utf8 { count += isUnreserved(byte) ? 1 : 3 }
        return count
    }

    private static func write(_ value: String, to out: UnsafeMutableBufferPointer<UInt8>, at: inout Int) {
        for byte in value.utf8 {
            if isUnreserved(byte) {
                out[at] = byte
                at += 1
            } else {
                out[at] = UInt8(ascii: "%")
                out[at + 1] = hexDigit(byte >> 4)
                out[at + 2] = hexDigit(byte & 15)
                at += 3
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
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
