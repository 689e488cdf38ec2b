import Foundation
import HeraldCore
import HeraldProviders
import HeraldTesting
import Testing
import HeraldAdapters

/// Twilio's webhook on its own: what it accepts, what it refuses, and the
/// effects it asks for. No server: this is the adapter's contract.
@Suite("Twilio webhook")
struct TwilioWebhookTests {
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
        let unsigned = WebhookRequest.testing(url: signed.url, body: String(decoding: signed.body, as: UTF8.self))
        #expect(throws: WebhookRejection.missingSignature("X-Twilio-Signature is required")) {
            try webhook.handle(unsigned, on: route)
        }
    }

    static func twilioInbound(_ body: String, from: String = "+14155550100", token: String = "token-1") -> WebhookRequest {
        let url = "https://herald.example/v1/inbound/twilio"
        let form = [("From", from), ("To", "+15550006666"), ("Body", body)]
        return WebhookRequest.testing(
            url: url, headers: ["X-Twilio-Signature": TwilioSignature.compute(url: url, parameters: form, authToken: token)],
            body: FormURLEncoding.encode(form))
    }
}
