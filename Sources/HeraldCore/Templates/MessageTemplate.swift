/// One version of a stored template: its channel, its text per locale, the
/// variables a message must bring, and whether SMS links are shortened.
/// Versions are immutable; a PUT stores a new one, so a message that records
/// `name@version` can always be traced to the exact text it was rendered from.
public struct MessageTemplate: Sendable, Equatable, Codable {
    /// The locale key of the variant used when no locale of the chain matches.
    public static let defaultLocale = "default"

    public var name: String
    public var version: Int
    public var channel: Channel
    /// Locale tag (`zh-Hant`, or `default`) → that locale's text.
    public var locales: [String: TemplateVariant]
    /// Variables every message must give in `data`; a missing one is a 422, never a half-rendered message.
    public var required: [String]
    /// URLs in the SMS body become short links attributed to the message.
    public var shortenLinks: Bool
    /// Unix milliseconds when this version was stored.
    public var createdAtMillis: Int64

    enum CodingKeys: String, CodingKey {
        case name, version, channel, locales, required
        case shortenLinks = "shorten_links"
        case createdAtMillis = "created_at_ms"
    }

    public init(name: String, version: Int, channel: Channel, locales: [String: TemplateVariant], required: [String],
                shortenLinks: Bool, createdAtMillis: Int64)
    {
        self.name = name
        self.version = version
        self.channel = channel
        self.locales = locales
        self.required = required
        self.shortenLinks = shortenLinks
        self.createdAtMillis = createdAtMillis
    }

    /// `name@version`, as a message records it.
    public var reference: String { "\(name)@\(version)" }

    /// The variant for a message's locale, by the fallback chain, and the key it was found under.
    public func variant(for locale: String?) -> (locale: String, variant: TemplateVariant)? {
        for candidate in LocaleFallback.chain(locale) {
            if let variant = locales[candidate] { return (candidate, variant) }
        }
        return nil
    }
}
