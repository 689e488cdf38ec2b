import Foundation

/// The text alternative of an email that has only HTML: tags dropped, the
/// common entities decoded, whitespace runs collapsed. Mail clients show it
/// when they cannot render HTML; it is not a full HTML parser.
enum HTMLText {
    static func plain(_ html: String) -> String {
        var text = ""
        var inTag = false
        for character in html {
            switch character {
            case "<": inTag = true
            case ">" where inTag: inTag = false; text.append(" ")
            default: if !inTag { text.append(character) }
            }
        }
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
