/// WeChat's rules for the keywords of a mini-program subscribe message
/// (`thing1`, `number2`, `phrase3`…: the type is the name without its
/// number). WeChat refuses a value that breaks its type's rule with 47003
/// only when the message is sent; Herald checks at acceptance, so the caller
/// gets a 422 naming the field instead of a message that fails later.
public enum SubscribeKeywords {
    /// The fields of `data` that are not keywords.
    public static let reserved: Set<String> = ["template_id", "page", "url", "miniprogram_state", "lang"]

    /// Checks every keyword of `data`; the error names the field (`data.thing1`).
    public static func validate(_ data: [String: JSONValue]) throws(APIError) {
        for (name, value) in data where !reserved.contains(name) {
            let text: String
            switch value {
            case .string(let string): text = string
            case .object(let object):
                guard case .string(let string)? = object["value"] else {
                    throw .invalid("data." + name, "a keyword is a string or {\"value\": string}", code: "invalid_keyword")
                }
                text = string
            default:
                throw .invalid("data." + name, "a keyword is a string or {\"value\": string}", code: "invalid_keyword")
            }
            if let problem = problem(type: type(of: name), value: text) {
                throw .invalid("data." + name, "'\(name)' \(problem)", code: "invalid_keyword")
            }
        }
    }

    /// The keyword's type: its name without the trailing number.
    public static func type(of name: String) -> String {
        String(name.reversed().drop { $0.isASCII && $0.isNumber }.reversed())
    }

    /// What is wrong with `value` for keyword type `type`, or nil when WeChat would take it.
    public static func problem(type: String, value: String) -> String? {
        guard !value.isEmpty else { return "is empty" }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "has a control character"
        }
        let count = value.count
        func only(_ test: (Character) -> Bool) -> Bool { value.allSatisfy(test) }
        switch type {
        case "thing":
            return count <= 20 ? nil : "(thing) is at most 20 characters"
        case "number":
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            let valid = count <= 32 && parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(isDigit) }
            return valid ? nil : "(number) is digits with an optional decimal part, at most 32"
        case "letter":
            return count <= 32 && only(isLetter) ? nil : "(letter) is letters only, at most 32"
        case "symbol":
            return count <= 5 && only(isSymbol) ? nil : "(symbol) is symbols only, at most 5"
        case "character_string":
            return count <= 32 && only({ isDigit($0) || isLetter($0) || isSymbol($0) }) ? nil
                : "(character_string) is digits, letters and symbols, at most 32"
        case "time", "date":
            return count <= 40 && only({ isDigit($0) || "年月日:~-/. ".contains($0) }) && value.contains(where: isDigit) ? nil
                : "(\(type)) is a date or time such as 2019年10月1日 15:01 or 15:01, or a range joined by ~"
        case "amount":
            var digits = Substring(value)
            if let first = digits.first, "¥￥$€£".contains(first) { digits = digits.dropFirst() }
            if digits.hasSuffix("元") { digits = digits.dropLast() }
            let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
            let valid = parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(isDigit) } && parts[0].count <= 10
            return valid ? nil : "(amount) is a currency symbol and at most 10 digits, with an optional decimal part and 元"
        case "phone_number":
            return count <= 17 && only({ isDigit($0) || isSymbol($0) }) ? nil : "(phone_number) is digits and symbols, at most 17"
        case "car_number":
            let inner = value.dropFirst().dropLast()
            return count <= 8 && inner.allSatisfy({ isDigit($0) || isLetter($0) }) ? nil
                : "(car_number) is at most 8: letters and digits, the first and last may be Chinese"
        case "name":
            let chinese = value.contains(where: isChinese)
            return chinese ? (count <= 10 ? nil : "(name) is at most 10 Chinese characters")
                : (count <= 20 && only({ isLetter($0) || isSymbol($0) || $0 == " " }) ? nil
                    : "(name) is at most 10 Chinese characters or 20 letters")
        case "phrase":
            return count <= 5 && only(isChinese) ? nil : "(phrase) is at most 5 Chinese characters"
        case "enum":
            return nil  // only WeChat knows the template's enumeration
        default:
            return "is not a subscribe keyword (thing, number, letter, symbol, character_string, time, date, amount, "
                + "phone_number, car_number, name, phrase or enum followed by its number)"
        }
    }

    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
    private static func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    private static func isChinese(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }
    /// WeChat's "symbol": a common symbol, not Chinese, a letter or a digit.
    private static func isSymbol(_ c: Character) -> Bool {
        !isDigit(c) && !isLetter(c) && !isChinese(c) && !c.isWhitespace
    }
}
