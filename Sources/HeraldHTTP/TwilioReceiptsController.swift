import Foundation
import HeraldCore
import HeraldDispatch
import HeraldRedis
import HTTPTypes
import Hummingbird
import Logging
import TwilioAdapter

/// `POST /v1/receipts/twilio`: Twilio's StatusCallback form, authenticated by
/// `X-Twilio-Signature` (not by API key). A forged or unsigned receipt is
/// refused and changes nothing.
struct TwilioReceiptsController: Sendable {
    let store: MessageStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.post("v1/receipts/twilio", use: twilio)
    }

    /// The form of a request signed by Twilio, or the 4xx that refuses it.
    static func verifiedForm(
        _ request: Request, context: BasicRequestContext, configuration: APIConfiguration, metrics: HeraldMetrics,
        kind: String
    ) async throws -> [(String, String)] {
        guard let authToken = configuration.twilioAuthToken else {
            throw APIError(status: 404, code: "provider_not_configured", message: "Twilio is not configured")
        }
        let body = try await request.collectBody(limit: configuration.maxReceiptBodyBytes)
        guard let signature = request.headers[values: .twilioSignature].first else {
            metrics.receipt(provider: "twilio", result: "rejected")
            throw APIError(status: 401, code: "missing_signature", message: "X-Twilio-Signature is required")
        }
        guard let parameters = FormURLEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self)) else {
            metrics.receipt(provider: "twilio", result: "rejected")
            throw APIError(status: 400, code: "malformed_receipt", message: "body is not a valid form")
        }
        let url = configuration.publicURL + request.uri.description
        guard TwilioSignature.isValid(signature: signature, url: url, parameters: parameters, authToken: authToken) else {
            metrics.receipt(provider: "twilio", result: "rejected")
            context.logger.warning("rejected Twilio \(kind) with a bad signature")
            throw APIError(status: 403, code: "invalid_signature", message: "X-Twilio-Signature does not match")
        }
        return parameters
    }

    @Sendable func twilio(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let parameters = try await Self.verifiedForm(
            request, context: context, configuration: configuration, metrics: metrics, kind: "receipt")
        guard let callback = TwilioStatusCallback(parameters: parameters) else {
            metrics.receipt(provider: "twilio", result: "rejected")
            throw APIError(status: 400, code: "malformed_receipt",
                           message: "MessageSid and a known MessageStatus are required")
        }
        guard let status = callback.status else {
            metrics.receipt(provider: "twilio", result: "ignored")
            return Response(status: .ok)
        }
        let (result, _) = try await store.applyReceipt(
            channel: .sms, provider: "twilio", providerMessageID: callback.messageSID, kind: .status(status),
            detail: callback.errorCode.map { "error \($0)" } ?? "", eventID: callback.twilioStatus,
            nowMillis: WallClock.nowMillis())
        metrics.receipt(provider: "twilio", result: result.rawValue)
        return Response(status: .ok)
    }
}

extension HTTPField.Name {
    static let twilioSignature = Self("X-Twilio-Signature")!
}
