import HeraldCore
import HeraldProviders

/// Twilio's two webhooks, both signed with the account's auth token
/// (`X-Twilio-Signature`, HMAC-SHA1 over the URL and the sorted form):
/// StatusCallback receipts and incoming messages. STOP, UNSUBSCRIBE, TD, 退订
/// and the like suppress the sender on SMS; START lifts an unsubscribe. The
/// inbound reply is empty TwiML, so Twilio sends nothing on Herald's behalf.
public struct TwilioWebhook: ProviderWebhook {
    public let provider = TwilioRegistration.name
    public let routes = [WebhookRoute(.post, .receipts, provider: TwilioRegistration.name), WebhookRoute(.post, .inbound, provider: TwilioRegistration.name)]
    let authToken: String

    public init(authToken: String) {
        self.authToken = authToken
    }

    public func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult {
        let form = try verifiedForm(request)
        switch route.purpose {
        case .receipts: return try receipt(form, heraldID: request.queryValue("herald_id"))
        case .inbound: return try inbound(form)
        }
    }

    func verifiedForm(_ request: WebhookRequest) throws(WebhookRejection) -> [(String, String)] {
        guard let signature = request.header("X-Twilio-Signature") else {
            throw .missingSignature("X-Twilio-Signature is required")
        }
        guard let form = request.body.withUnsafeBufferPointer({ FormURLEncoding.decode(bytes: $0) }) else {
            throw .malformed("body is not a valid form")
        }
        guard TwilioSignature.isValid(signature: signature, url: request.url, parameters: form, authToken: authToken) else {
            throw .invalidSignature("X-Twilio-Signature does not match")
        }
        return form
    }

    /// `heraldID` is the message id Herald put in the StatusCallback URL, when it is one of ours.
    func receipt(_ form: [(String, String)], heraldID: String? = nil) throws(WebhookRejection) -> WebhookResult {
        guard let callback = TwilioStatusCallback(parameters: form) else {
            throw .malformed("MessageSid and a known MessageStatus are required")
        }
        guard let status = callback.status else { return WebhookResult(effects: [.ignored(outcome: "ignored")]) }
        return WebhookResult(effects: [.receipt(ProviderReceipt(
            channel: .sms, providerMessageID: callback.messageSID, kind: .status(status),
            detail: callback.errorCode.map { "error \($0)" } ?? "", eventID: callback.twilioStatus,
            messageID: heraldID.flatMap { MessageID.channel(of: $0) == .sms ? $0 : nil }))])
    }

    func inbound(_ form: [(String, String)]) throws(WebhookRejection) -> WebhookResult {
        let fields = Dictionary(form, uniquingKeysWith: { first, _ in first })
        guard let from = fields["From"], PhoneNumber.isValidE164(from), let body = fields["Body"] else {
            throw .malformed("From (E.164) and Body are required")
        }
        return WebhookResult(effects: [.inbound(body: body, from: from, channel: .sms)], reply: Self.emptyTwiML)
    }

    static let emptyTwiML = WebhookReply.xml(#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#)
}
