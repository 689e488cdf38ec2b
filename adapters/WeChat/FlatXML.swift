/// Reads the flat XML documents WeChat pushes (`<xml><Tag><![CDATA[v]]></Tag>
/// <Tag>v</Tag>…</xml>`) into a dictionary. Anything else (nested elements,
/// entities, attributes on children, unclosed tags) is refused rather than
/// guessed at; WeChat's pushes never contain them.
public enum FlatXML {
    public static func parse(_ text: String, maxFields: Int = 64) -> [String: String]? {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard rest.hasPrefix("<xml>"), rest.hasSuffix("</xml>") else { return nil }
        rest = rest.dropFirst(5).dropLast(6)
        var fields: [String: String] = [:]
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.isEmpty { return fields }
            guard rest.first == "<", let close = rest.firstIndex(of: ">") else { return nil }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
            rest = rest[rest.index(after: close)...]
            let value: Substring
            if rest.hasPrefix("<![CDATA[") {
                rest = rest.dropFirst(9)
                guard let end = rest.range(of: "]]>") else { return nil }
                value = rest[..<end.lowerBound]
                rest = rest[end.upperBound...]
            } else {
                guard let end = rest.firstIndex(of: "<") else { return nil }
                value = rest[..<end]
                guard !value.contains("&"), !value.contains(">") else { return nil }
                rest = rest[end...]
            }
            let closing = "</" + name + ">"
            guard rest.hasPrefix(closing) else { return nil }
            rest = rest.dropFirst(closing.count)
            guard fields[String(name)] == nil, fields.count < maxFields else { return nil }
            fields[String(name)] = String(value)
        }
    }
}
