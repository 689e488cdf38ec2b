import Foundation
import HeraldCore
import HeraldDispatch
import HeraldRedis
import Hummingbird

/// `POST /v1/inbound/twilio`: an SMS someone sent to one of our numbers
/// (Twilio's incoming-message webhook, signed like its status callbacks).
/// STOP, UNSUBSCRIBE, TD, 退订 and the like suppress the sender on SMS;
/// START and the like lift an unsubscribe (never an invalid-number entry).
/// Other replies are acknowledged and ignored. The answer is empty TwiML, so
/// Twilio sends nothing back on Herald's behalf.
struct InboundController: Sendable {
    let suppressions: SuppressionStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.post("v1/inbound/twilio", use: twilio)
    }

    @Sendable func twilio(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let parameters = try await TwilioReceiptsController.verifiedForm(
            request, context: context, configuration: configuration, metrics: metrics, kind: "inbound message")
        let fields = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        guard let from = fields["From"], PhoneNumber.isValidE164(from), let body = fields["Body"] else {
            throw APIError(status: 400, code: "malformed_inbound", message: "From (E.164) and Body are required")
        }
        switch OptOutKeywords.intent(of: body) {
        case .optOut?:
            try await suppressions.suppress(from, on: .sms, as: Suppression(scope: .all, reason: .unsubscribed))
            metrics.inbound(provider: "twilio", intent: "opt_out")
            context.logger.info("sender opted out", metadata: ["from": "\(PIIMask.phone(from))"])
        case .optIn?:
            if try await suppressions.lookup(from, on: .sms)?.reason == .unsubscribed {
                _ = try await suppressions.lift(from, on: .sms)
            }
            metrics.inbound(provider: "twilio", intent: "opt_in")
        case nil:
            metrics.inbound(provider: "twilio", intent: "other")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#)))
    }
}
