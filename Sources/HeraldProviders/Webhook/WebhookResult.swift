/// What a verified provider request amounts to: the effects to apply and the
/// exact reply the provider expects (Twilio wants TwiML, WeChat `success`,
/// Aliyun a JSON code).
public struct WebhookResult: Sendable, Equatable {
    /// What to change, in order.
    public var effects: [WebhookEffect]
    /// The 200 reply the provider expects.
    public var reply: WebhookReply

    public init(effects: [WebhookEffect], reply: WebhookReply = .empty) {
        self.effects = effects
        self.reply = reply
    }
}

/// A 200 reply's body and content type.
public struct WebhookReply: Sendable, Equatable {
    /// The reply's content type; nil for an empty reply.
    public var contentType: String?
    /// The reply's body.
    public var body: String

    public init(contentType: String?, body: String) {
        self.contentType = contentType
        self.body = body
    }

    /// 200 with no body.
    public static let empty = WebhookReply(contentType: nil, body: "")

    public static func text(_ body: String) -> WebhookReply {
        WebhookReply(contentType: "text/plain; charset=utf-8", body: body)
    }

    public static func json(_ body: String) -> WebhookReply {
        WebhookReply(contentType: "application/json; charset=utf-8", body: body)
    }

    public static func xml(_ body: String) -> WebhookReply {
        WebhookReply(contentType: "text/xml; charset=utf-8", body: body)
    }
}
