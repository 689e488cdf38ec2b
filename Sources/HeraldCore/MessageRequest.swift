/// The JSON a caller posts to `POST /v1/messages` (DESIGN §5), as decoded
/// before validation. Every field is optional here so that validation, not the
/// decoder, decides which absences are errors and how they are reported.
public struct MessageRequest: Sendable, Decodable, Equatable {
    public var channel: String?
    public var to: String?
    public var template: String?
    public var locale: String?
    public var content: MessageContent?
    public var data: [String: JSONValue]?
    public var category: String?
    public var priority: String?
    public var campaign: String?
    public var userID: String?
    public var timezone: String?
    public var sendAt: String?
    public var expiresAt: String?
    public var idempotencyKey: String?
    public var toEncryption: String?
    /// The key id of an encrypted `to`; absent, the configured primary key.
    public var toKeyID: String?
    /// URLs in an SMS body become short links that attribute clicks to the message.
    public var shortenLinks: Bool?
    /// Where this message's own status events are POSTed.
    public var callbackURL: String?
    /// The caller's own fields, echoed in the message's status events.
    public var metadata: [String: JSONValue]?
    /// The first field whose JSON type was wrong, found while decoding. Kept
    /// instead of thrown so that one bad item of a batch does not sink the rest.
    public var typeError: APIError?

    enum CodingKeys: String, CodingKey {
        case channel, to, template, locale, content, data, category, priority, campaign, timezone
        case userID = "user_id"
        case sendAt = "send_at"
        case expiresAt = "expires_at"
        case idempotencyKey = "idempotency_key"
        case toEncryption = "to_encryption"
        case toKeyID = "to_key_id"
        case shortenLinks = "shorten_links"
        case callbackURL = "callback_url"
        case metadata
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var firstError: APIError?
        func field<T: Decodable>(_ type: T.Type, _ key: CodingKeys) -> T? {
            do {
                return try container.decodeIfPresent(type, forKey: key)
            } catch let error as DecodingError {
                if firstError == nil { firstError = RequestDecoder.apiError(error) }
            } catch {
                if firstError == nil { firstError = .invalid(key.stringValue, "'\(key.stringValue)' is invalid", code: "invalid_type") }
            }
            return nil
        }
        channel = field(String.self, .channel)
        to = field(String.self, .to)
        template = field(String.self, .template)
        locale = field(String.self, .locale)
        content = field(MessageContent.self, .content)
        data = field([String: JSONValue].self, .data)
        category = field(String.self, .category)
        priority = field(String.self, .priority)
        campaign = field(String.self, .campaign)
        userID = field(String.self, .userID)
        timezone = field(String.self, .timezone)
        sendAt = field(String.self, .sendAt)
        expiresAt = field(String.self, .expiresAt)
        idempotencyKey = field(String.self, .idempotencyKey)
        toEncryption = field(String.self, .toEncryption)
        toKeyID = field(String.self, .toKeyID)
        // A null content, template, encryption or key id is refused, not read as
        // absent: the contract types them (`content` or `template` must say
        // which; `plain` says a clear recipient).
        for (key, name) in [(CodingKeys.content, "content"), (.template, "template"), (.toEncryption, "to_encryption"),
                            (.toKeyID, "to_key_id")]
            where firstError == nil && container.contains(key) && (try? container.decodeNil(forKey: key)) == true
        {
            firstError = .invalid(name, "'\(name)' must be a string, not null", code: "invalid_type")
        }
        shortenLinks = field(Bool.self, .shortenLinks)
        callbackURL = field(String.self, .callbackURL)
        metadata = field([String: JSONValue].self, .metadata)
        typeError = firstError
    }

    /// A request from an already parsed JSON object, when every known field
    /// has the type it must have; nil otherwise, and the caller decodes with
    /// `JSONDecoder` instead, whose errors name the field.
    init?(parsed object: [String: JSONValue]) {
        func string(_ key: CodingKeys) -> String?? { Self.optionalString(object, key.stringValue) }
        guard let channel = string(.channel), let to = string(.to), let template = string(.template),
              let locale = string(.locale), let category = string(.category), let priority = string(.priority),
              let campaign = string(.campaign), let userID = string(.userID), let timezone = string(.timezone),
              let sendAt = string(.sendAt), let expiresAt = string(.expiresAt),
              let idempotencyKey = string(.idempotencyKey), let toEncryption = string(.toEncryption),
              let toKeyID = string(.toKeyID), let callbackURL = string(.callbackURL)
        else { return nil }
        // A null encryption or key id is refused by the decoder (see `init(from:)`), which names it.
        if case .null? = object["to_key_id"] { return nil }
        if case .null? = object["to_encryption"] { return nil }
        if case .null? = object["template"] { return nil }
        if case .null? = object["content"] { return nil }
        switch object["shorten_links"] {
        case nil, .null?: shortenLinks = nil
        case .bool(let flag)?: shortenLinks = flag
        default: return nil
        }
        switch object["content"] {
        case nil, .null?: content = nil
        case .object(let fields)?:
            guard case .string(let body)? = fields["body"], let subject = Self.optionalString(fields, "subject"),
                  let title = Self.optionalString(fields, "title"), let html = Self.optionalString(fields, "html")
            else { return nil }
            content = MessageContent(body: body, subject: subject, title: title, html: html)
        default: return nil
        }
        switch object["data"] {
        case nil, .null?: data = nil
        case .object(let fields)?: data = fields
        default: return nil
        }
        switch object["metadata"] {
        case nil, .null?: metadata = nil
        case .object(let fields)?: metadata = fields
        default: return nil
        }
        self.callbackURL = callbackURL
        self.channel = channel
        self.to = to
        self.template = template
        self.locale = locale
        self.category = category
        self.priority = priority
        self.campaign = campaign
        self.userID = userID
        self.timezone = timezone
        self.sendAt = sendAt
        self.expiresAt = expiresAt
        self.idempotencyKey = idempotencyKey
        self.toEncryption = toEncryption
        self.toKeyID = toKeyID
        typeError = nil
    }

    /// An optional string member: `.some(nil)` when absent or null, `.some(text)`
    /// for a string, nil (not well typed) for anything else.
    private static func optionalString(_ object: [String: JSONValue], _ key: String) -> String?? {
        switch object[key] {
        case nil, .null?: .some(nil)
        case .string(let value)?: .some(value)
        default: nil
        }
    }

    public init(channel: String? = nil, to: String? = nil, content: MessageContent? = nil) {
        self.channel = channel
        self.to = to
        self.content = content
    }
}

/// The body of `POST /v1/messages/batch`.
public struct BatchRequest: Sendable, Decodable {
    public var messages: [MessageRequest]?

    /// A batch from an already parsed JSON object when every item is well
    /// typed (see `MessageRequest.init?(parsed:)`), else nil.
    init?(parsed object: [String: JSONValue]) {
        switch object["messages"] {
        case nil, .null?: messages = nil
        case .array(let items)?:
            var messages: [MessageRequest] = []
            messages.reserveCapacity(items.count)
            for item in items {
                guard case .object(let fields) = item, let message = MessageRequest(parsed: fields) else { return nil }
                messages.append(message)
            }
            self.messages = messages
        default: return nil
        }
    }
}
