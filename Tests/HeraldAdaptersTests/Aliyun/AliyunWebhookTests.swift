import HeraldAdapters
import Foundation
import HeraldCore
import HeraldProviders
import HeraldTesting
import Testing

/// Aliyun's webhook on its own: what it accepts, what it refuses, and the
/// effects it asks for. No server: this is the adapter's contract.
@Suite("Aliyun webhook")
struct AliyunWebhookTests {
    @Test("Aliyun SmsUp: replies map to E.164 senders and opt-outs; a wrong token or a malformed body is refused")
    func aliyunInbound() throws {
        let webhook = AliyunWebhook(receiptToken: "receipt-token-0123456789")
        let route = WebhookRoute(.post, .inbound, provider: "aliyun")
        let body = AliyunSmsUp.encoded([
            AliyunSmsUp(phoneNumber: "13800138000", content: "TD"), AliyunSmsUp(phoneNumber: "8613800138001", content: "退订"),
            AliyunSmsUp(phoneNumber: "85291234567", content: "R"), AliyunSmsUp(phoneNumber: "13800138002", content: "好的"),
        ])
        let result = try webhook.handle(WebhookRequest.testing(query: [("token", "receipt-token-0123456789")], body: body), on: route)
        let suppressed = result.effects.compactMap { effect -> String? in
            if case .suppress(let recipient, .sms, _, _) = effect { return recipient }
            return nil
        }
        #expect(suppressed == ["+8613800138000", "+8613800138001", "+85291234567"])
        #expect(result.effects.last == .ignored(outcome: "other"))
        #expect(result.reply.body.contains(#""code":0"#))
        #expect(throws: WebhookRejection.self) {
            try webhook.handle(WebhookRequest.testing(query: [("token", "receipt-token-0123456780")], body: body), on: route)
        }
        #expect(throws: WebhookRejection.self) {
            try webhook.handle(WebhookRequest.testing(query: [("token", "receipt-token-0123456789")], body: #"[{"phone_number":"abc","content":"TD"}]"#), on: route)
        }
    }
}
