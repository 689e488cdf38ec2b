import Foundation
import HeraldCore
import HeraldProviders
import HeraldTesting
import Testing
import HeraldAdapters

/// WeChat's webhook on its own: what it accepts, what it refuses, and the
/// effects it asks for. No server: this is the adapter's contract.
@Suite("WeChat webhook")
struct WeChatWebhookTests {
    @Test("WeChat: the echostr handshake needs a valid, fresh signature")
    func wechatHandshake() throws {
        let webhook = WeChatWebhook(token: "server-token", window: ReplayWindow())
        let route = WebhookRoute(.get, .receipts, provider: "wechat")
        let stamp = String(WebhookRequest.testNow / 1000)
        let signature = WeChatSignature.compute(token: "server-token", timestamp: stamp, nonce: "n1")
        let reply = try webhook.handle(
            WebhookRequest.testing(query: [("signature", signature), ("timestamp", stamp), ("nonce", "n1"), ("echostr", "hello")]), on: route)
        #expect(reply.reply.body == "hello")
        let forged = WeChatSignature.compute(token: "simulator-wechat-token", timestamp: stamp, nonce: "n1")
        #expect(throws: WebhookRejection.self) {
            try webhook.handle(
                WebhookRequest.testing(query: [("signature", forged), ("timestamp", stamp), ("nonce", "n1"), ("echostr", "hello")]), on: route)
        }
    }
}
