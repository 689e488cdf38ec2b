/// A WeCom (企业微信) app message as Herald sends it: its kind, from
/// `data.msgtype` (text by default, textcard or markdown), and the fields
/// that kind takes. It exists because WeCom cuts an over-long field short
/// without saying so: Herald checks WeCom's byte limits itself, when the
/// message is accepted (`MessageValidator`: 422 naming the field) and again
/// in the adapter before sending (a message queued by an older Herald), so
/// the rule is written once, here.
public struct WeComAppMessage: Sendable, Equatable {
    /// The `msgtype`s Herald sends.
    public enum Kind: String, Sendable, CaseIterable {
        /// Plain text (`text.content`); links and line breaks allowed.
        case text
        /// A card: title, description (the body), a link and an optional button text.
        case textcard
        /// WeCom's Markdown subset (`markdown.content`), shown in the WeCom client only.
        case markdown
    }

    /// WeCom's documented limits (message/send, document 90236): UTF-8 bytes,
    /// except the button text, counted in characters.
    public enum Limits {
        /// text and markdown `content`.
        public static let contentBytes = 2_048
        /// textcard `title`.
        public static let titleBytes = 128
        /// textcard `description`.
        public static let descriptionBytes = 512
        /// textcard `url`.
        public static let urlBytes = 2_048
        /// textcard `btntxt`.
        public static let buttonCharacters = 4
    }

    /// The `msgtype` sent.
    public var kind: Kind
    /// text/markdown `content`, or the textcard's `description`.
    public var body: String
    /// The textcard's `title` (`content.title`); nil for the other kinds.
    public var title: String?
    /// The textcard's `url` (`data.url`); nil for the other kinds.
    public var url: String?
    /// The textcard's `btntxt` (`data.btntxt`), when given.
    public var buttonText: String?

    /// Reads the message's kind and fields from its content and `data`, and
    /// refuses what WeCom would truncate or reject, naming the field.
    public init(body: String, title: String?, data: [String: JSONValue]) throws(APIError) {
        switch data["msgtype"] {
        case nil, .null?: kind = .text
        case .string(let name)?:
            guard let named = Kind(rawValue: name) else { throw Self.unknownKind }
            kind = named
        default: throw Self.unknownKind
        }
        self.body = body
        switch kind {
        case .text, .markdown:
            try Self.check(body, "content.body", bytes: Limits.contentBytes, what: "a WeCom \(kind.rawValue) message's content")
        case .textcard:
            guard let title, !title.isEmpty else { throw .missing("content.title") }
            try Self.check(title, "content.title", bytes: Limits.titleBytes, what: "a WeCom textcard's title")
            try Self.check(body, "content.body", bytes: Limits.descriptionBytes, what: "a WeCom textcard's description")
            guard case .string(let url)? = data["url"], !url.isEmpty else { throw .missing("data.url") }
            let lowered = url.prefix(8).lowercased()
            guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
                throw .invalid("data.url", "a WeCom textcard's url must start with http:// or https://")
            }
            try Self.check(url, "data.url", bytes: Limits.urlBytes, what: "a WeCom textcard's url")
            switch data["btntxt"] {
            case nil, .null?: break
            case .string(let text)?:
                guard text.count <= Limits.buttonCharacters else {
                    throw APIError(status: 422, code: "too_long", message: "a WeCom textcard's btntxt is at most "
                        + "\(Limits.buttonCharacters) characters (WeCom would cut it)", field: "data.btntxt")
                }
                buttonText = text.isEmpty ? nil : text
            default: throw .invalid("data.btntxt", "data.btntxt must be a string")
            }
            self.title = title
            self.url = url
        }
    }

    private static var unknownKind: APIError {
        .invalid("data.msgtype", "data.msgtype must be one of "
            + Kind.allCases.map(\.rawValue).joined(separator: ", ") + " for wecom")
    }

    private static func check(_ value: String, _ field: String, bytes limit: Int, what: String) throws(APIError) {
        let size = value.utf8.count
        guard size <= limit else {
            throw APIError(status: 422, code: "too_long",
                           message: "\(what) is at most \(limit) bytes of UTF-8, this one is \(size) (WeCom would cut it)",
                           field: field)
        }
    }
}
