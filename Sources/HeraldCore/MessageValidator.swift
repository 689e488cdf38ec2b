import Foundation

/// Turns a decoded request into a `NewMessage` or an `APIError` naming the
/// field at fault. The checks are per channel: E.164 for SMS, an address for
/// email, an http(s) URL for webhooks, token shapes for push and WeChat.
public struct MessageValidator: Sendable {
    /// Channels with at least one configured provider; a message for another is refused, not queued forever.
    public var enabledChannels: Set<Channel>
    /// Appended to marketing SMS that carry no opt-out instruction; nil appends nothing.
    public var smsOptOutNotice: OptOutNotice?
    /// The most parts an SMS body may need; a longer one is refused with 422.
    public var smsMaxSegments: Int
    /// The sender signature Chinese carriers require (`【Brand】`), prefixed to every SMS body that lacks it.
    public var smsSignature: String?
    /// The keys `to_encryption: aes` recipients are sealed with; empty refuses encrypted recipients.
    public var recipientKeys: RecipientKeyring
    /// Whether a `callback_url` may be plain http to loopback: the local sandbox only.
    public var callbacksMayUseLoopback = false
    /// Whether a `callback_url` can be served: events to it are signed with
    /// `HERALD_EVENT_SECRET`, and without one it is refused.
    public var callbacksSigned = true

    public init(enabledChannels: Set<Channel> = Set(Channel.allCases), smsOptOutNotice: OptOutNotice? = nil,
                smsMaxSegments: Int = 10, smsSignature: String? = nil, recipientKeys: RecipientKeyring = RecipientKeyring(keys: []))
    {
        self.recipientKeys = recipientKeys
        self.smsMaxSegments = smsMaxSegments
        self.smsSignature = smsSignature.flatMap { $0.isEmpty ? nil : $0 }
        self.enabledChannels = enabledChannels
        self.smsOptOutNotice = smsOptOutNotice
    }

    /// Checks a request. A request naming a template must come with what the
    /// template rendered (`rendered`), which stands in for `content`.
    public func validate(_ request: MessageRequest, rendered: RenderedContent? = nil, idempotencyHeader: String? = nil,
                         nowMillis: Int64) throws(APIError) -> NewMessage
    {
        if let typeError = request.typeError { throw typeError }
        guard let channelName = request.channel else { throw .missing("channel") }
        guard let channel = Channel(rawValue: channelName) else {
            throw APIError.invalid(
                "channel", "unknown channel '\(channelName.prefix(32))'; expected one of "
                    + Channel.allCases.map(\.rawValue).joined(separator: ", "), code: "unknown_channel")
        }
        guard enabledChannels.contains(channel) else {
            throw APIError.invalid(
                "channel", "no provider is configured for \(channel.rawValue) on this gateway", code: "channel_not_configured")
        }
        guard let to = request.to, !to.isEmpty else { throw .missing("to") }
        let encryption = try validateEncryption(request.toEncryption, to: to, keyID: request.toKeyID)
        if encryption == nil { try validateRecipient(to, channel: channel) }

        var content = try validateContent(request, rendered: rendered, channel: channel)
        if channel == .wecom {
            // WeCom truncates over-long fields silently: refuse them here, naming the field.
            let data = (rendered == nil ? request.data : rendered?.data) ?? [:]
            _ = try WeComAppMessage(body: content.body, title: content.title, data: data)
        }
        let category = try parseEnum(request.category, field: "category", default: MessageCategory.transactional)
        if channel == .sms, let signature = rendered?.signature ?? smsSignature, !content.body.hasPrefix(signature) {
            content.body = signature + content.body
        }
        if channel == .sms, category == .marketing, let notice = smsOptOutNotice {
            content.body = notice.applied(to: content.body)
            guard content.body.count <= MessageLimits.maxSMSBodyCharacters else {
                throw .invalid("content.body", "with the opt-out text appended the SMS body is over "
                    + "\(MessageLimits.maxSMSBodyCharacters) characters")
            }
        }
        let priority = try parseEnum(request.priority, field: "priority", default: Priority.normal)
        let campaign = try validateTag(request.campaign, field: "campaign")
        let userID = try validateTag(request.userID, field: "user_id")
        let locale = try validateTag(request.locale, field: "locale")
        let timezone = try validateTimezone(request.timezone)
        let sendAt = try request.sendAt.map { (value) throws(APIError) in try Self.parseTime(value, field: "send_at") }
        let expiresAt = try request.expiresAt.map { (value) throws(APIError) in
            try Self.parseTime(value, field: "expires_at")
        }
        if let expiresAt {
            guard expiresAt > nowMillis else { throw .invalid("expires_at", "expires_at is in the past") }
            if let sendAt, expiresAt <= sendAt { throw .invalid("expires_at", "expires_at must be after send_at") }
        }
        let idempotencyKey = try validateIdempotencyKey(request.idempotencyKey ?? idempotencyHeader)
        var dataJSON: String?
        if rendered != nil {
            dataJSON = rendered?.data.map { String(decoding: JSONValue.object($0).encoded(), as: UTF8.self) }
        } else if let data = request.data {
            let encoded = JSONValue.object(data).compactText
            guard encoded.utf8.count <= MessageLimits.maxBodyBytes else {
                throw .invalid("data", "data exceeds \(MessageLimits.maxBodyBytes) bytes")
            }
            dataJSON = encoded
        }
        if channel == .miniprogram { try Self.checkSubscribeMessage(rendered?.data ?? request.data) }
        var message = NewMessage(
            channel: channel, to: to, content: content, dataJSON: dataJSON, category: category,
            priority: priority, campaign: campaign, userID: userID, timezone: timezone, locale: locale,
            sendAtMillis: sendAt.flatMap { $0 > nowMillis ? $0 : nil }, expiresAtMillis: expiresAt,
            idempotencyKey: idempotencyKey)
        message.template = rendered?.reference
        message.toEncryption = encryption
        message.toKeyID = encryption == nil ? nil : request.toKeyID
        message.shortenLinks = channel == .sms && (request.shortenLinks ?? rendered?.shortenLinks ?? false)
        if let callbackURL = request.callbackURL {
            guard callbacksSigned else {
                throw .invalid("callback_url", "callback_url needs HERALD_EVENT_SECRET on this gateway: it signs the events",
                               code: "callbacks_not_configured")
            }
            message.callbackURL = try EventTargetURL.validate(callbackURL, field: "callback_url",
                                                              loopbackAllowed: callbacksMayUseLoopback)
        }
        if let metadata = request.metadata {
            let encoded = JSONValue.object(metadata).compactText
            guard encoded.utf8.count <= MessageLimits.maxMetadataBytes else {
                throw .invalid("metadata", "metadata exceeds \(MessageLimits.maxMetadataBytes) bytes")
            }
            message.metadataJSON = encoded
        }
        try countSegments(&message)
        return message
    }

    /// A mini-program subscribe message names its WeChat template, and its
    /// keywords keep WeChat's rules for their types.
    static func checkSubscribeMessage(_ data: [String: JSONValue]?) throws(APIError) {
        guard case .string(let templateID)? = data?["template_id"], !templateID.isEmpty, templateID.utf8.count <= 128 else {
            throw .invalid("data.template_id", "a miniprogram message names its subscribe template in data.template_id")
        }
        try SubscribeKeywords.validate(data ?? [:])
    }

    /// Sets an SMS's `segments` from its body, refusing a body over the
    /// configured number of parts. Run again after links are shortened.
    public func countSegments(_ message: inout NewMessage) throws(APIError) {
        guard message.channel == .sms else { return }
        let segments = SMSSegments(message.content.body)
        guard segments.count <= smsMaxSegments else {
            throw APIError(status: 422, code: "too_many_segments",
                           message: "the SMS body needs \(segments.count) \(segments.encoding.rawValue) parts; "
                               + "at most \(smsMaxSegments) are allowed", field: "content.body")
        }
        message.segments = segments.count
    }

    /// The encryption of `to`, nil when it is in clear. Only what can be
    /// checked without decrypting is checked here: the recipient is decrypted
    /// in the worker, never at acceptance.
    private func validateEncryption(_ value: String?, to: String, keyID: String?) throws(APIError) -> RecipientEncryption? {
        switch value {
        case nil, "plain":
            if keyID != nil { throw .invalid("to_key_id", "to_key_id is only for an encrypted 'to'") }
            return nil
        case "md5", "sha256":
            throw .invalid("to_encryption", "hashed recipients (\(value!)) cannot be sent: the address cannot be recovered")
        default:
            break
        }
        guard let value, let mode = RecipientEncryption(name: value) else {
            throw .invalid("to_encryption", "to_encryption must be one of plain, aes, "
                + RecipientEncryption.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard !recipientKeys.isEmpty else {
            throw .invalid("to_encryption", "no recipient keys are configured on this gateway (HERALD_RECIPIENT_KEYS)")
        }
        switch recipientKeys.checkShape(to, mode: mode, keyID: keyID) {
        case nil: return mode
        case .unknownKey(let id)?: throw .invalid("to_key_id", "no recipient key has id '\(id.prefix(32))'")
        case .wrongKeySize(let id)?:
            throw .invalid("to_encryption", "key '\(id.prefix(32))' is not a \(mode.keyBytes * 8)-bit key for \(mode.rawValue)")
        case .malformed?, .authentication?:
            throw .invalid("to", "an encrypted 'to' must be base64 of \(mode == .aes256GCM ? "nonce, ciphertext and tag" : "IV and ciphertext")",
                           code: "invalid_recipient")
        }
    }

    /// Checks a recipient as a message would carry it, clear or encrypted
    /// under a key this gateway holds (not decrypted): campaign imports use it.
    public func checkRecipient(_ to: String, encryption: String?, keyID: String?, channel: Channel) throws(APIError)
        -> RecipientEncryption?
    {
        let mode = try validateEncryption(encryption, to: to, keyID: keyID)
        if mode == nil { try validateRecipient(to, channel: channel) }
        return mode
    }

    /// Checks a free-form tag (`locale`, `user_id`, `campaign`): 1–128 printable characters.
    public func checkTag(_ value: String?, field: String) throws(APIError) -> String? {
        try validateTag(value, field: field)
    }

    /// Checks a recipient's shape for its channel: also used by the suppressions API.
    public func validateRecipient(_ to: String, channel: Channel) throws(APIError) {
        switch channel {
        case .sms:
            guard PhoneNumber.isValidE164(to) else {
                throw .invalid("to", "'to' must be an E.164 phone number such as +14155550100", code: "invalid_recipient")
            }
        case .email:
            guard EmailAddress.isValid(to) else {
                throw .invalid("to", "'to' must be an email address", code: "invalid_recipient")
            }
        case .webhook:
            guard to.utf8.count <= MessageLimits.maxURLCharacters,
                  let url = URL(string: to), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else { throw .invalid("to", "'to' must be an http(s) URL", code: "invalid_recipient") }
        case .push:
            if let problem = UmengPushAddress.problem(with: to) { throw .invalid("to", problem, code: "invalid_recipient") }
            guard to.utf8.count <= MessageLimits.maxPushTokenCharacters,
                  to.utf8.allSatisfy({ Self.isTokenByte($0) || $0 == UInt8(ascii: ":") })
            else { throw .invalid("to", "'to' must be a device token", code: "invalid_recipient") }
        case .wechat, .miniprogram:
            guard (6...64).contains(to.utf8.count), to.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalid("to", "'to' must be a WeChat openid", code: "invalid_recipient")
            }
        case .wecom:
            // WeCom's rule: 1–64 bytes of letters, digits and _-@., starting with a letter or digit.
            guard (1...64).contains(to.utf8.count), let first = to.utf8.first, Self.isTokenByte(first), first != UInt8(ascii: "_"),
                  first != UInt8(ascii: "-"),
                  to.utf8.allSatisfy({ Self.isTokenByte($0) || $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: ".") })
            else { throw .invalid("to", "'to' must be a WeCom userid (letters, digits and _-@.)", code: "invalid_recipient") }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }

    private func validateContent(_ request: MessageRequest, rendered: RenderedContent?, channel: Channel)
        throws(APIError) -> MessageContent
    {
        if let template = request.template {
            guard request.content == nil else {
                throw .invalid("template", "give either 'template' or 'content', not both")
            }
            guard let rendered else {
                throw APIError(status: 422, code: "unknown_template",
                               message: "template '\(template.prefix(64))' does not exist", field: "template")
            }
            return try checkContent(rendered.content, channel: channel)
        }
        guard let content = request.content else { throw .missing("content") }
        return try checkContent(content, channel: channel)
    }

    private func checkContent(_ content: MessageContent, channel: Channel) throws(APIError) -> MessageContent {
        guard !content.body.isEmpty else { throw .missing("content.body") }
        guard content.body.utf8.count <= MessageLimits.maxBodyBytes else {
            throw .invalid("content.body", "body exceeds \(MessageLimits.maxBodyBytes) bytes")
        }
        if channel == .sms, content.body.count > MessageLimits.maxSMSBodyCharacters {
            throw .invalid("content.body", "an SMS body is at most \(MessageLimits.maxSMSBodyCharacters) characters")
        }
        if let subject = content.subject, subject.count > MessageLimits.maxSubjectCharacters {
            throw .invalid("content.subject", "subject is at most \(MessageLimits.maxSubjectCharacters) characters")
        }
        if channel == .email, content.subject?.isEmpty ?? true { throw .missing("content.subject") }
        if let html = content.html, html.utf8.count > MessageLimits.maxBodyBytes {
            throw .invalid("content.html", "html exceeds \(MessageLimits.maxBodyBytes) bytes")
        }
        if let title = content.title, title.count > MessageLimits.maxTitleCharacters {
            throw .invalid("content.title", "title is at most \(MessageLimits.maxTitleCharacters) characters")
        }
        return content
    }

    private func parseEnum<T: RawRepresentable & CaseIterable>(_ value: String?, field: String, default fallback: T)
        throws(APIError) -> T where T.RawValue == String
    {
        guard let value else { return fallback }
        guard let parsed = T(rawValue: value) else {
            throw .invalid(field, "\(field) must be one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return parsed
    }

    /// Checks a user id as messages carry it: also used by the user suppressions API.
    public func validateUserID(_ value: String) throws(APIError) {
        _ = try validateTag(value, field: "user_id")
    }

    private func validateTag(_ value: String?, field: String) throws(APIError) -> String? {
        guard let value else { return nil }
        // Printable ASCII, the usual case, needs no look-up of Unicode properties.
        if !value.isEmpty, value.utf8.count <= MessageLimits.maxTagCharacters,
           value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        {
            return value
        }
        guard !value.isEmpty, value.unicodeScalars.count <= MessageLimits.maxTagCharacters,
              !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .invalid(field, "\(field) must be 1–\(MessageLimits.maxTagCharacters) printable characters") }
        return value
    }

    private func validateTimezone(_ value: String?) throws(APIError) -> String? {
        guard let value else { return nil }
        guard TimeZone(identifier: value) != nil else {
            throw .invalid("timezone", "timezone must be an IANA time zone name such as Asia/Shanghai")
        }
        return value
    }

    private func validateIdempotencyKey(_ value: String?) throws(APIError) -> String? {
        guard let value else { return nil }
        guard !value.isEmpty, value.utf8.count <= MessageLimits.maxIdempotencyKeyCharacters,
              value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f })
        else {
            throw .invalid(
                "idempotency_key",
                "idempotency_key must be 1–\(MessageLimits.maxIdempotencyKeyCharacters) visible ASCII characters")
        }
        return value
    }

    /// Parses an RFC 3339 timestamp (with or without fractional seconds) to epoch milliseconds.
    public static func parseTime(_ value: String, field: String) throws(APIError) -> Int64 {
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? fractional.parse(value)) ?? (try? plain.parse(value)) else {
            throw .invalid(field, "\(field) must be an RFC 3339 time such as 2026-11-23T01:00:00Z")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
