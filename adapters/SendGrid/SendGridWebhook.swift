import Crypto
import Foundation
import HeraldCore
import HeraldProviders

/// SendGrid's signed Event Webhook: ECDSA P-256 over timestamp + body,
/// refused when the timestamp is outside the replay window. Events find their
/// message by the `herald_id` custom arg (else by X-Message-Id), are
/// deduplicated by `sg_event_id`, and bounces, unsubscribes and spam reports
/// suppress the address.
public struct SendGridWebhook: ProviderWebhook {
    public let provider = SendGridRegistration.name
    public let routes = [WebhookRoute(.post, .receipts, provider: SendGridRegistration.name)]
    let key: P256.Signing.PublicKey
    let window: ReplayWindow
    /// The most events one post may carry.
    static let maxEvents = 10_000

    public init(verificationKey: P256.Signing.PublicKey, window: ReplayWindow) {
        self.key = verificationKey
        self.window = window
    }

    public func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult {
        guard let signature = request.header(SendGridEventSignature.signatureHeader),
              let timestamp = request.header(SendGridEventSignature.timestampHeader)
        else { throw .missingSignature("the Event Webhook signature headers are required") }
        guard SendGridEventSignature.isValid(signature: signature, timestamp: timestamp, body: request.body, key: key) else {
            throw .invalidSignature("the Event Webhook signature does not match")
        }
        guard window.accepts(timestamp: timestamp, nowMillis: request.nowMillis) else {
            throw .stale("the Event Webhook timestamp is outside the replay window")
        }
        guard let events = SendGridEvent.parse(Data(request.body)), !events.isEmpty, events.count <= Self.maxEvents else {
            throw .malformed("expected a non-empty JSON array of events with email, timestamp, event and sg_event_id")
        }
        return WebhookResult(effects: events.map(Self.effect))
    }

    static func effect(of event: SendGridEvent) -> WebhookEffect {
        guard let kind = event.kind else { return .ignored(outcome: "ignored") }
        let messageID = event.heraldID.flatMap { MessageID.channel(of: $0) == .email ? $0 : nil }
        guard messageID != nil || event.providerMessageID != nil else { return .ignored(outcome: "missing") }
        return .receipt(ProviderReceipt(
            channel: .email, providerMessageID: event.providerMessageID ?? "", kind: kind, detail: event.detail,
            eventID: "sendgrid:" + event.sgEventID, messageID: messageID, suppression: event.suppression))
    }
}
