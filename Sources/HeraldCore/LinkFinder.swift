/// Finds the http(s) URLs in an SMS body, so they can be shortened. A URL
/// runs to the next whitespace, `<>"`, or CJK punctuation; trailing `.,;:!?'`
/// and an unbalanced closing parenthesis are left out, as people end sentences
/// with them ("see https://x.example/a."). Works on UTF-8 bytes: it runs for
/// every message that asks for shortening.
public enum LinkFinder {
    public static func urls(in text: String) -> [Range<String.Index>] {
        var text = text
        return text.withUTF8 { bytes in
            var found: [Range<Int>] = []
            var index = 0
            while let start = nextStart(bytes, from: index) {
                var end = start
                while end < bytes.count {
                    let (terminates, length) = terminator(bytes, at: end)
                    if terminates { break }
                    end += length
                }
                end = trimmed(bytes, start, end)
                let scheme = bytes[start + 4] == UInt8(ascii: ":") ? 7 : 8
                if end - start > scheme { found.append(start..<end) }
                index = max(end, start + 1)
            }
            return found
        }.map { range in
            let utf8 = text.utf8
            return utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte | 0x20 }

    /// The next `http://` or `https://`, in any case.
    private static func nextStart(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int? {
        var index = index
        while index + 7 <= bytes.count {
            if lower(bytes[index]) == UInt8(ascii: "h"), lower(bytes[index + 1]) == UInt8(ascii: "t"),
               lower(bytes[index + 2]) == UInt8(ascii: "t"), lower(bytes[index + 3]) == UInt8(ascii: "p")
            {
                var colon = index + 4
                if lower(bytes[colon]) == UInt8(ascii: "s") { colon += 1 }
                if colon + 3 <= bytes.count, bytes[colon] == UInt8(ascii: ":"), bytes[colon + 1] == UInt8(ascii: "/"),
                   bytes[colon + 2] == UInt8(ascii: "/")
                {
                    return index
                }
            }
            index += 1
        }
        return nil
    }

    /// CJK and full-width punctuation and Unicode spaces that end a URL written in running text.
    private static let terminatingScalars: Set<UInt32> = Set("“”‘’「」『』（）【】《》，。！？；：、\u{00A0}\u{2028}\u{2029}\u{3000}"
        .unicodeScalars.map(\.value))

    /// Whether the character at `index` ends a URL, and its length in bytes.
    private static func terminator(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Bool, Int) {
        let byte = bytes[index]
        if byte < 0x80 {
            return (byte <= 0x20 || byte == 0x7f || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\""), 1)
        }
        let length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
        guard index + length <= bytes.count else { return (true, 1) }
        var scalar = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0f : 0x1f)
        for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3f) }
        return (terminatingScalars.contains(scalar), length)
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var end = end
        while end > start {
            let last = bytes[end - 1]
            if [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"), UInt8(ascii: "?"),
                       UInt8(ascii: "'")].contains(last)
            {
                end -= 1
            } else if last == UInt8(ascii: ")") {
                var open = 0
                var close = 0
                for byte in bytes[start..<end] {
                    if byte == UInt8(ascii: "(") { open += 1 } else if byte == UInt8(ascii: ")") { close += 1 }
                }
                guard close > open else { break }
                end -= 1
            } else {
                break
            }
        }
        return end
    }
}
