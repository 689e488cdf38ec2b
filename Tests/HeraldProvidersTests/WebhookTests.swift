import AliyunAdapter
import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import SendGridAdapter
import Testing
import TwilioAdapter
import WeChatAdapter

/// Each adapter's webhook on its own: what it accepts, what it refuses, and
/// the effects it asks for. No server: these are the adapters' contracts.
@Suite("Provider webhooks")
struct WebhookTests {
    @Test("a SendGrid event's optional member may be absent but not null or of another type, as openapi.yaml says")
    func sendGridEventTypes() {
        let event = #"{"email":"a@b.com","timestamp":1,"event":"delivered","sg_event_id":"e""#
        #expect(SendGridEvent.parse(Data("[\(event)}]".utf8))?.first?.heraldID == .some(nil))
        #expect(SendGridEvent.parse(Data("[\(event),\"herald_id\":\"sms_1\"}]".utf8))?.first?.heraldID == "sms_1")
        #expect(SendGridEvent.parse(Data("[\(event),\"herald_id\":null}]".utf8)) == nil)
        #expect(SendGridEvent.parse(Data("[\(event),\"reason\":5}]".utf8)) == nil)
    }

    static let now: Int64 = 1_790_000_000_000

    static func request(url: String = "https://herald.example/v1/receipts/x", query: [(String, String)] = [],
                        headers: [String: String] = [:], body: String = "") -> WebhookRequest
    {
        WebhookRequest(url: url, query: query.map { (name: $0.0, value: $0.1) },
                       headers: Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) }),
                       body: Array(body.utf8), nowMillis: now)
    }

    static func twilioInbound(_ body: String, from: String = "+14155550100", token: String = "token-1") -> WebhookRequest {
        let url = "https://herald.example/v1/inbound/twilio"
        let form = [("From", from), ("To", "+15550006666"), ("Body", body)]
        return request(url: url, headers: ["X-Twilio-Signature": TwilioSignature.compute(url: url, parameters: form, authToken: token)],
                       body: FormURLEncoding.encode(form))
    }

    @Test("opt-out keywords in any case and width, with trailing punctuation, suppress the sender; START lifts",
          arguments: [("STOP", "opt_out"), (" stop ", "opt_out"), ("ＳＴＯＰ", "opt_out"), ("Stop!", "opt_out"),
                      ("退订", "opt_out"), ("退订。", "opt_out"), ("td", "opt_out"), ("T", "opt_out"), ("r", "opt_out"),
                      ("N", "opt_out"), ("Unsubscribe.", "opt_out"), ("ｓｔｏｐａｌｌ", "opt_out"), ("revoke", "opt_out"),
                      ("START", "opt_in"), ("ｕｎｓｔｏｐ", "opt_in"), ("stop by at 5", "other"), ("Thanks", "other"), ("", "other")])
    func inboundKeywords(body: String, outcome: String) throws {
        let webhook = TwilioWebhook(authToken: "token-1")
        let result = try webhook.handle(Self.twilioInbound(body), on: WebhookRoute(.post, .inbound, provider: "twilio"))
        let effect = try #require(result.effects.first)
        switch effect {
        case .suppress(let recipient, let channel, let suppression, let label):
            #expect(recipient == "+14155550100" && channel == .sms && suppression.reason == .unsubscribed && suppression.scope == .all)
            #expect(label == outcome)
        case .liftUnsubscribe(_, _, let label), .ignored(let label): #expect(label == outcome)
        case .receipt: Issue.record("an inbound message is not a receipt")
        }
        #expect(result.reply.body.contains("<Response>"))
    }

    @Test("Twilio: a form signed with another token, or unsigned, is refused before it is read")
    func twilioForged() {
        let webhook = TwilioWebhook(authToken: "token-1")
        let route = WebhookRoute(.post, .inbound, provider: "twilio")
        #expect(throws: WebhookRejection.invalidSignature("X-Twilio-Signature does not match")) {
            try webhook.handle(Self.twilioInbound("STOP", token: "published-simulator-token"), on: route)
        }
        let signed = Self.twilioInbound("STOP")
        let unsigned = Self.request(url: signed.url, body: String(decoding: signed.body, as: UTF8.self))
        #expect(throws: WebhookRejection.missingSignature("X-Twilio-Signature is required")) {
            try webhook.handle(unsigned, on: route)
        }
    }

    @Test("Aliyun SmsUp: replies map to E.164 senders and opt-outs; a wrong token or a malformed body is refused")
    func aliyunInbound() throws {
        let webhook = AliyunWebhook(receiptToken: "receipt-token-0123456789")
        let route = WebhookRoute(.post, .inbound, provider: "aliyun")
        let body = AliyunSmsUp.encoded([
            AliyunSmsUp(phoneNumber: "13800138000", content: "TD"), AliyunSmsUp(phoneNumber: "8613800138001", content: "退订"),
            AliyunSmsUp(phoneNumber: "85291234567", content: "R"), AliyunSmsUp(phoneNumber: "13800138002", content: "好的"),
        ])
        let result = try webhook.handle(Self.request(query: [("token", "receipt-token-0123456789")], body: body), on: route)
        let suppressed = result.effects.compactMap { effect -> String? in
            if case .suppress(let recipient, .sms, _, _) = effect { return recipient }
            return nil
        }
        #expect(suppressed == ["+8613800138000", "+8613800138001", "+85291234567"])
        #expect(result.effects.last == .ignored(outcome: "other"))
        #expect(result.reply.body.contains(#""code":0"#))
        #expect(throws: WebhookRejection.self) {
            try webhook.handle(Self.request(query: [("token", "receipt-token-0123456780")], body: body), on: route)
        }
        #expect(throws: WebhookRejection.self) {
            try webhook.handle(Self.request(query: [("token", "receipt-token-0123456789")], body: #"[{"phone_number":"abc","content":"TD"}]"#), on: route)
        }
    }

    @Test("SendGrid: a signature by another key, or a timestamp outside the window, is refused")
    func sendgridSignatureAndWindow() throws {
        let key = P256.Signing.PrivateKey()
        let webhook = SendGridWebhook(verificationKey: key.publicKey, window: ReplayWindow(toleranceSeconds: 600))
        let route = WebhookRoute(.post, .receipts, provider: "sendgrid")
        let body = #"[{"email":"a@example.com","timestamp":1790000000,"event":"delivered","sg_event_id":"e1","herald_id":"email_01M8KG1N9F9EP3F1R4EMJJD91G"}]"#
        func post(timestamp: Int64, signer: P256.Signing.PrivateKey) throws(WebhookRejection) -> WebhookResult {
            let stamp = String(timestamp)
            return try webhook.handle(Self.request(headers: [
                SendGridEventSignature.signatureHeader: SendGridEventSignature.sign(timestamp: stamp, body: Array(body.utf8), privateKey: signer),
                SendGridEventSignature.timestampHeader: stamp,
            ], body: body), on: route)
        }
        let accepted = try post(timestamp: Self.now / 1000, signer: key)
        #expect(accepted.effects.count == 1)
        #expect(throws: WebhookRejection.invalidSignature("the Event Webhook signature does not match")) {
            try post(timestamp: Self.now / 1000, signer: P256.Signing.PrivateKey())
        }
        #expect(throws: WebhookRejection.stale("the Event Webhook timestamp is outside the replay window")) {
            try post(timestamp: Self.now / 1000 - 601, signer: key)
        }
    }

    @Test("WeChat: the echostr handshake needs a valid, fresh signature")
    func wechatHandshake() throws {
        let webhook = WeChatWebhook(token: "server-token", window: ReplayWindow())
        let route = WebhookRoute(.get, .receipts, provider: "wechat")
        let stamp = String(Self.now / 1000)
        let signature = WeChatSignature.compute(token: "server-token", timestamp: stamp, nonce: "n1")
        let reply = try webhook.handle(
            Self.request(query: [("signature", signature), ("timestamp", stamp), ("nonce", "n1"), ("echostr", "hello")]), on: route)
        #expect(reply.reply.body == "hello")
        let forged = WeChatSignature.compute(token: "simulator-wechat-token", timestamp: stamp, nonce: "n1")
        #expect(throws: WebhookRejection.self) {
            try webhook.handle(
                Self.request(query: [("signature", forged), ("timestamp", stamp), ("nonce", "n1"), ("echostr", "hello")]), on: route)
        }
    }

    @Test("sandbox secrets are drawn at random per data directory, kept 0600, and read back unchanged")
    func sandboxSecrets() throws {
        let first = NSTemporaryDirectory() + "herald-secrets-" + UUID().uuidString
        let second = NSTemporaryDirectory() + "herald-secrets-" + UUID().uuidString
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let a = try SandboxSecrets.load(directory: first)
        #expect(try SandboxSecrets.load(directory: first) == a)
        let b = try SandboxSecrets.load(directory: second)
        #expect(a.twilioAuthToken != b.twilioAuthToken && a.aliyunReceiptToken != b.aliyunReceiptToken
            && a.wechatServerToken != b.wechatServerToken && a.sendgridSigningKey != b.sendgridSigningKey)
        #expect(a.twilioAuthToken.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: first + "/" + SandboxSecrets.fileName)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        _ = try a.sendgridPrivateKey
        _ = try a.apnsPrivateKey
        _ = try a.fcmPrivateKey
    }
}
