import HeraldCore

/// A message's `data` as swift-mustache reads it: objects as `[String: Any]`
/// (which it looks up without reflection), arrays as `[Any]` for sections,
/// integral numbers without a trailing `.0`.
enum MustacheData {
    static func value(_ json: JSONValue) -> Any {
        switch json {
        case .string(let text): text
        case .bool(let flag): flag
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { String(Int64(number)) } else { String(number) }
        case .object(let fields): fields.mapValues(value)
        case .array(let items): items.map(value)
        case .null: Optional<String>.none as Any
        }
    }

    static func context(_ data: [String: JSONValue]?) -> [String: Any] {
        (data ?? [:]).mapValues(value)
    }
}
