/// What a template gave for one message: the content Herald sends, in the
/// same shape as literal `content`, plus what the message records about it.
public struct RenderedContent: Sendable, Equatable {
    public var content: MessageContent
    /// Push data pairs, or WeChat `template_id`, `url` and keywords, as stored `data`.
    public var data: [String: JSONValue]?
    /// The SMS signature the template gives, which replaces the configured one.
    public var signature: String?
    /// `name@version`.
    public var reference: String
    /// The locale key whose variant was used (`zh-Hant`, or `default`).
    public var locale: String
    public var shortenLinks: Bool

    public init(content: MessageContent, data: [String: JSONValue]?, signature: String?, reference: String,
                locale: String, shortenLinks: Bool)
    {
        self.content = content
        self.data = data
        self.signature = signature
        self.reference = reference
        self.locale = locale
        self.shortenLinks = shortenLinks
    }
}
