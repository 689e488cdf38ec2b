/// Finds the http(s) URLs in an SMS body, so they can be shortened. A URL
/// runs to the next whitespace or CJK punctuation; trailing `.,;:!?` and an
/// unbalanced closing bracket or quote are left out, as people end sentences
/// with them ("see https://x.example/a.").
public enum LinkFinder {
    public static func urls(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var search = text.startIndex
        while let start = nextStart(in: text, from: search) {
            var end = start
            while end < text.endIndex, !isTerminator(text[end]) { end = text.index(after: end) }
            end = trimmed(text, start, end)
            let schemeLength = text[start...].hasPrefix("https://") ? 8 : 7
            if text.distance(from: start, to: end) > schemeLength { ranges.append(start..<end) }
            search = end > start ? end : text.index(after: start)
        }
        return ranges
    }

    private static func nextStart(in text: String, from index: String.Index) -> String.Index? {
        var index = index
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("http") {
                let lower = rest.prefix(8).lowercased()
                if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func isTerminator(_ character: Character) -> Bool {
        character.isWhitespace || "<>\"“”‘’「」『』（）【】《》，。！？；：、".contains(character)
    }

    private static func trimmed(_ text: String, _ start: String.Index, _ end: String.Index) -> String.Index {
        var end = end
        while end > start {
            let last = text[text.index(before: end)]
            if ".,;:!?'".contains(last) {
                end = text.index(before: end)
            } else if last == ")", text[start..<end].filter({ $0 == "(" }).count < text[start..<end].filter({ $0 == ")" }).count {
                end = text.index(before: end)
            } else {
                break
            }
        }
        return end
    }
}
