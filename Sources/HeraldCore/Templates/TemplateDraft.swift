/// The body of `PUT /v1/templates/{name}`: one locale's text and the
/// template-wide settings. Unknown members are refused so that a typo
/// (`subjet`) is a 422, not a template that silently lacks a subject.
public struct TemplateDraft: Sendable, Equatable, Decodable {
    public var channel: String?
    public var locale: String?
    public var variant: TemplateVariant
    public var required: [String]?
    public var shortenLinks: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case channel, locale, required, body, signature, subject, text, html, title, url, data
        case templateID = "template_id"
        case shortenLinks = "shorten_links"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = all.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil }) {
            throw APIError.invalid(unknown.stringValue, "'\(unknown.stringValue.prefix(64))' is not a template field",
                                   code: "unknown_field")
        }
        // A null field is refused, not read as absent: the contract types each one
        // (`data` as an object, the rest as strings, an array or a boolean).
        if let null = try all.allKeys.first(where: { try all.decodeNil(forKey: $0) }) {
            throw APIError.invalid(null.stringValue, "'\(null.stringValue)' must not be null", code: "invalid_type")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        channel = try container.decodeIfPresent(String.self, forKey: .channel)
        locale = try container.decodeIfPresent(String.self, forKey: .locale)
        required = try container.decodeIfPresent([String].self, forKey: .required)
        shortenLinks = try container.decodeIfPresent(Bool.self, forKey: .shortenLinks)
        variant = TemplateVariant(
            body: try container.decodeIfPresent(String.self, forKey: .body),
            signature: try container.decodeIfPresent(String.self, forKey: .signature),
            subject: try container.decodeIfPresent(String.self, forKey: .subject),
            text: try container.decodeIfPresent(String.self, forKey: .text),
            html: try container.decodeIfPresent(String.self, forKey: .html),
            title: try container.decodeIfPresent(String.self, forKey: .title),
            templateID: try container.decodeIfPresent(String.self, forKey: .templateID),
            url: try container.decodeIfPresent(String.self, forKey: .url),
            data: try container.decodeIfPresent([String: String].self, forKey: .data))
    }

    public init(channel: String?, locale: String? = nil, variant: TemplateVariant, required: [String]? = nil,
                shortenLinks: Bool? = nil)
    {
        self.channel = channel
        self.locale = locale
        self.variant = variant
        self.required = required
        self.shortenLinks = shortenLinks
    }

    /// The longest template name: it is part of a Redis key and of every message that uses it.
    public static let maxNameLength = 64
    /// The most variables a template may declare required.
    public static let maxRequired = 64

    /// Checks a template name: 1–64 of letters, digits, `_`, `-`, `.` (no `@`, which separates the version).
    public static func validateName(_ name: String) throws(APIError) {
        guard !name.isEmpty, name.utf8.count <= maxNameLength,
              name.utf8.allSatisfy({ isNameByte($0) })
        else {
            throw .invalid("name", "a template name is 1–\(maxNameLength) letters, digits, '_', '-' or '.'",
                           code: "invalid_template_name")
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x5f || byte == 0x2d
            || byte == 0x2e
    }

    /// The checked draft: its channel, canonical locale and a variant holding
    /// only the fields its channel uses, each within size limits. Mustache
    /// syntax is checked by the compiler, not here.
    public func validated() throws(APIError) -> (channel: Channel, locale: String, variant: TemplateVariant) {
        guard let channelName = channel else { throw .missing("channel") }
        guard let channel = Channel(rawValue: channelName), channel != .webhook else {
            throw .invalid("channel", "templates exist for sms, email, push, wechat, miniprogram and wecom", code: "unknown_channel")
        }
        let locale = locale.map(LocaleFallback.canonical) ?? MessageTemplate.defaultLocale
        guard LocaleFallback.isValid(locale) else {
            throw .invalid("locale", "locale must be a BCP 47 tag such as zh-Hant-TW, or 'default'")
        }
        var variant = variant
        if channel == .email, variant.text == nil, let body = variant.body {
            variant.text = body
            variant.body = nil
        }
        let allowed: Set<String> = switch channel {
        case .sms: ["body", "signature"]
        case .email: ["subject", "text", "html"]
        case .push: ["title", "body", "data"]
        case .wechat: ["template_id", "url", "data"]
        case .miniprogram: ["template_id", "url", "data"]
        case .wecom: ["title", "body", "url", "data"]
        case .webhook: []
        }
        for (field, _) in variant.sources {
            let name = field.hasPrefix("data.") ? "data" : field
            guard allowed.contains(name) else {
                throw .invalid(field, "\(channel.rawValue) templates take " + allowed.sorted().joined(separator: ", ")
                    + "; '\(name)' is not one of them", code: "unknown_field")
            }
        }
        switch channel {
        case .sms, .push, .wecom:
            guard variant.body?.isEmpty == false else { throw .missing("body") }
        case .email:
            guard variant.subject?.isEmpty == false else { throw .missing("subject") }
            guard variant.text?.isEmpty == false || variant.html?.isEmpty == false else { throw .missing("text") }
        case .wechat, .miniprogram:
            guard variant.templateID?.isEmpty == false else { throw .missing("template_id") }
        case .webhook: break
        }
        for (field, source) in variant.sources where source.utf8.count > MessageLimits.maxBodyBytes {
            throw .invalid(field, "\(field) exceeds \(MessageLimits.maxBodyBytes) bytes")
        }
        if let data = variant.data, data.count > 64 { throw .invalid("data", "data has at most 64 fields") }
        if let required {
            guard required.count <= Self.maxRequired else {
                throw .invalid("required", "at most \(Self.maxRequired) variables may be required")
            }
            for name in required where name.isEmpty || name.unicodeScalars.count > 128 {  // code points, as JSON Schema counts maxLength
                throw .invalid("required", "a required variable name is 1–128 characters")
            }
        }
        return (channel, locale, variant)
    }
}
