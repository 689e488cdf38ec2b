import Foundation
import HeraldCore
import HeraldDispatch
import HeraldRedis
import HTTPTypes
import Hummingbird
import SendGridAdapter

/// `POST /v1/receipts/sendgrid`: SendGrid's signed Event Webhook. Events find
/// their message by the `herald_id` custom arg (else by X-Message-Id), are
/// deduplicated by `sg_event_id`, and bounces, unsubscribes and spam reports
/// add the address to the email suppressions.
struct SendGridReceiptsController: Sendable {
    let store: MessageStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.post("v1/receipts/sendgrid", use: receive)
    }

    @Sendable func receive(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let publicKey = configuration.sendgridVerificationKey else {
            throw APIError(status: 404, code: "provider_not_configured", message: "SendGrid events are not configured")
        }
        let body = try await request.collectBody(limit: configuration.maxReceiptBodyBytes)
        let bytes = [UInt8](body.readableBytesView)
        guard let signature = request.headers[HTTPField.Name(SendGridEventSignature.signatureHeader)!],
              let timestamp = request.headers[HTTPField.Name(SendGridEventSignature.timestampHeader)!]
        else {
            metrics.receipt(provider: "sendgrid", result: "rejected")
            throw APIError(status: 401, code: "missing_signature", message: "the Event Webhook signature headers are required")
        }
        guard SendGridEventSignature.isValid(signature: signature, timestamp: timestamp, body: bytes, publicKey: publicKey)
        else {
            metrics.receipt(provider: "sendgrid", result: "rejected")
            context.logger.warning("rejected SendGrid events with a bad signature")
            throw APIError(status: 403, code: "invalid_signature", message: "the Event Webhook signature does not match")
        }
        guard configuration.isFresh(timestamp: timestamp) else {
            metrics.receipt(provider: "sendgrid", result: "rejected")
            throw APIError(status: 403, code: "stale_receipt", message: "the Event Webhook timestamp is too old")
        }
        guard let events = SendGridEvent.parse(Data(bytes)), events.count <= 10_000 else {
            metrics.receipt(provider: "sendgrid", result: "rejected")
            throw APIError(status: 400, code: "malformed_receipt",
                           message: "expected a JSON array of events with email, timestamp, event and sg_event_id")
        }
        let now = WallClock.nowMillis()
        for event in events {
            guard let kind = event.kind else { continue }
            let messageID = event.heraldID.flatMap { MessageID.channel(of: $0) == .email ? $0 : nil }
            guard messageID != nil || event.providerMessageID != nil else {
                metrics.receipt(provider: "sendgrid", result: "missing")
                continue
            }
            let (result, _) = try await store.applyReceipt(
                channel: .email, provider: "sendgrid", providerMessageID: event.providerMessageID ?? "",
                kind: kind, detail: event.detail, eventID: "sendgrid:" + event.sgEventID, nowMillis: now,
                messageID: messageID, suppress: event.suppression)
            metrics.receipt(provider: "sendgrid", result: result.rawValue)
        }
        return Response(status: .ok)
    }
}
