import Foundation
import HeraldCore
import HeraldDispatch
import HeraldRedis
import Hummingbird
import WeChatAdapter

/// `GET/POST /v1/receipts/wechat`: the Official Account's server URL. `GET`
/// answers WeChat's `echostr` handshake; `POST` takes pushed events
/// (plaintext mode): TEMPLATESENDJOBFINISH results, deduplicated by MsgID and
/// status, and unfollows, which suppress the openid. Both are authenticated by
/// the sha1 signature over the configured token, timestamp and nonce, and a
/// timestamp older than the tolerance is refused as a replay.
struct WeChatReceiptsController: Sendable {
    let store: MessageStore
    let suppressions: SuppressionStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.get("v1/receipts/wechat", use: handshake)
        router.post("v1/receipts/wechat", use: receive)
    }

    private func verify(_ request: Request, context: BasicRequestContext) throws {
        guard let token = configuration.wechatToken else {
            throw APIError(status: 404, code: "provider_not_configured", message: "WeChat is not configured")
        }
        let query = request.uri.queryParameters
        guard let signature = query.get("signature"), let timestamp = query.get("timestamp"),
              let nonce = query.get("nonce")
        else {
            metrics.receipt(provider: "wechat", result: "rejected")
            throw APIError(status: 401, code: "missing_signature", message: "signature, timestamp and nonce are required")
        }
        guard WeChatSignature.isValid(signature: signature, token: token, timestamp: timestamp, nonce: nonce) else {
            metrics.receipt(provider: "wechat", result: "rejected")
            context.logger.warning("rejected WeChat push with a bad signature")
            throw APIError(status: 403, code: "invalid_signature", message: "signature does not match")
        }
        guard configuration.isFresh(timestamp: timestamp) else {
            metrics.receipt(provider: "wechat", result: "rejected")
            throw APIError(status: 403, code: "stale_receipt", message: "timestamp is too old")
        }
    }

    @Sendable func handshake(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try verify(request, context: context)
        guard let echo = request.uri.queryParameters.get("echostr"), echo.utf8.count <= 256 else {
            throw APIError(status: 400, code: "missing_field", message: "echostr is required", field: "echostr")
        }
        return Self.text(String(echo))
    }

    @Sendable func receive(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try verify(request, context: context)
        let body = try await request.collectBody(limit: configuration.maxReceiptBodyBytes)
        guard let event = WeChatEvent(xml: String(decoding: body.readableBytesView, as: UTF8.self)) else {
            metrics.receipt(provider: "wechat", result: "rejected")
            throw APIError(status: 400, code: "malformed_receipt", message: "expected a WeChat event XML document")
        }
        switch event.kind {
        case .templateSendFinished(let msgID, let status):
            let (result, _) = try await store.applyReceipt(
                channel: .wechat, provider: "wechat", providerMessageID: msgID,
                kind: .status(WeChatEvent.status(for: status)), detail: status == "success" ? "" : status,
                eventID: "wechat:" + msgID + ":" + status, nowMillis: WallClock.nowMillis(),
                suppress: WeChatEvent.suppression(for: status))
            metrics.receipt(provider: "wechat", result: result.rawValue)
        case .unfollowed:
            try await suppressions.suppress(
                event.openID, on: .wechat, as: Suppression(scope: .all, reason: .unsubscribed))
            metrics.receipt(provider: "wechat", result: "unfollowed")
        case .other:
            metrics.receipt(provider: "wechat", result: "ignored")
        }
        return Self.text("success")
    }

    static func text(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
