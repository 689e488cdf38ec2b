import HeraldCore

/// One entry of a message's history (its hash's `events` field), as the Lua
/// transitions write it: `<at> <type>` or `<at> <type> <detail>`, the detail
/// with backslash and newline escaped (lib_events.lua). Lines written before
/// that compact form are JSON objects (`{"at":…,"type":…,"detail":…}`) and
/// read the same, so messages stored by an earlier Herald stay readable.
public struct StoredEvent: Sendable, Equatable {
    /// When it happened (ms since 1970).
    public var at: Int64
    /// `queued`, `sending`, `sent`, `receipt:delivered`, …
    public var type: String
    /// What the transition said about it; empty for none.
    public var detail: String
    /// Read from a JSON line (an earlier Herald's), whose details were written out in full.
    var legacy = false

    public init(at: Int64, type: String, detail: String) {
        self.at = at
        self.type = type
        self.detail = detail
    }

    /// Reads one line of either form; nil for a line that is neither.
    public init?(line: Substring) {
        if line.first == "{" {
            var text = String(line)
            let parsed = text.withUTF8 { JSONParser.parse(UnsafeRawBufferPointer($0)) }
            guard case .object(let object)? = parsed, case .number(let at)? = object["at"],
                  case .string(let type)? = object["type"]
            else { return nil }
            let detail = if case .string(let text)? = object["detail"] { text } else { "" }
            self.init(at: Int64(at), type: type, detail: detail)
            legacy = true
            return
        }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let at = Int64(parts[0]), !parts[1].isEmpty else { return nil }
        self.init(at: at, type: String(parts[1]), detail: parts.count == 3 ? Self.unescape(parts[2]) : "")
    }

    /// `\\` → `\`, `\n` → newline; anything else stays as written.
    static func unescape(_ text: Substring) -> String {
        guard text.contains("\\") else { return String(text) }
        var out = ""
        var escaping = false
        for character in text {
            if escaping {
                out.append(character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        if escaping { out.append("\\") }
        return out
    }
}
