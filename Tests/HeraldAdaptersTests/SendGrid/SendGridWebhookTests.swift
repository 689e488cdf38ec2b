import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import HeraldTesting
import HeraldAdapters
import Testing

/// SendGrid's webhook on its own: what it accepts, what it refuses, and the
/// effects it asks for. No server: this is the adapter's contract.
@Suite("SendGrid webhook")
struct SendGridWebhookTests {
    @Test("a SendGrid event's optional member may be absent but not null or of another type, as openapi.yaml says")
    func sendGridEventTypes() {
        let event = #"{"email":"a@b.com","timestamp":1,"event":"delivered","sg_event_id":"e""#
        #expect(SendGridEvent.parse(Data("[\(event)}]".utf8))?.first?.heraldID == .some(nil))
        #expect(SendGridEvent.parse(Data("[\(event),\"herald_id\":\"sms_1\"}]".utf8))?.first?.heraldID == "sms_1")
        #expect(SendGridEvent.parse(Data("[\(event),\"herald_id\":null}]".utf8)) == nil)
        #expect(SendGridEvent.parse(Data("[\(event),\"reason\":5}]".utf8)) == nil)
    }

    @Test("SendGrid: a signature by another key, or a timestamp outside the window, is refused")
    func sendgridSignatureAndWindow() throws {
        let key = P256.Signing.PrivateKey()
        let webhook = SendGridWebhook(verificationKey: key.publicKey, window: ReplayWindow(toleranceSeconds: 600))
        let route = WebhookRoute(.post, .receipts, provider: "sendgrid")
        let body = #"[{"email":"a@example.com","timestamp":1790000000,"event":"delivered","sg_event_id":"e1","herald_id":"email_01M8KG1N9F9EP3F1R4EMJJD91G"}]"#
        func post(timestamp: Int64, signer: P256.Signing.PrivateKey) throws(WebhookRejection) -> WebhookResult {
            let stamp = String(timestamp)
            return try webhook.handle(WebhookRequest.testing(headers: [
                SendGridEventSignature.signatureHeader: SendGridEventSignature.sign(timestamp: stamp, body: Array(body.utf8), privateKey: signer),
                SendGridEventSignature.timestampHeader: stamp,
            ], body: body), on: route)
        }
        let accepted = try post(timestamp: WebhookRequest.testNow / 1000, signer: key)
        #expect(accepted.effects.count == 1)
        #expect(throws: WebhookRejection.invalidSignature("the Event Webhook signature does not match")) {
            try post(timestamp: WebhookRequest.testNow / 1000, signer: P256.Signing.PrivateKey())
        }
        #expect(throws: WebhookRejection.stale("the Event Webhook timestamp is outside the replay window")) {
            try post(timestamp: WebhookRequest.testNow / 1000 - 601, signer: key)
        }
    }
}
