/// A hand-written compact JSON writer: what Herald keeps of a caller's data
/// (a campaign recipient's), where Foundation's encoder cost more than the
/// rest of an import. Keys keep their order; strings are escaped as JSON requires.
extension JSONValue {
    public var compactText: String {
        var text = ""
        write(into: &text)
        return text
    }

    func write(into text: inout String) {
        switch self {
        case .string(let value): text += JSONText.quoted(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { text += String(Int64(value)) } else { text += String(value) }
        case .bool(let value): text += value ? "true" : "false"
        case .null: text += "null"
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.write(into: &text)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            var first = true
            for (key, value) in fields {
                if !first { text += "," }
                first = false
                text += JSONText.quoted(key)
                text += ":"
                value.write(into: &text)
            }
            text += "}"
        }
    }
}
