import AliyunAdapter
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldRedis
import Hummingbird

/// `POST /v1/receipts/aliyun?token=…`: Aliyun's SmsReport push, a JSON array
/// of delivery results. Aliyun does not sign its pushes, so the push URL set in
/// Aliyun's console carries a secret token, compared in constant time. Reports
/// find their message by `out_id` (Herald's id, sent as OutId) and are
/// deduplicated by biz_id and result.
struct AliyunReceiptsController: Sendable {
    let store: MessageStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.post("v1/receipts/aliyun", use: receive)
    }

    @Sendable func receive(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let expected = configuration.aliyunReceiptToken else {
            throw APIError(status: 404, code: "provider_not_configured", message: "Aliyun receipts are not configured")
        }
        let body = try await request.collectBody(limit: configuration.maxReceiptBodyBytes)
        guard let token = request.uri.queryParameters.get("token"), ConstantTime.equal(token, expected) else {
            metrics.receipt(provider: "aliyun", result: "rejected")
            context.logger.warning("rejected Aliyun receipt with a missing or wrong token")
            throw APIError(status: 403, code: "invalid_signature", message: "the receipt URL token does not match")
        }
        guard let reports = AliyunSmsReport.parse(Data(body.readableBytesView)), reports.count <= 1_000 else {
            metrics.receipt(provider: "aliyun", result: "rejected")
            throw APIError(status: 400, code: "malformed_receipt",
                           message: "expected a JSON array of at most 1000 SmsReport objects with phone_number, success and biz_id")
        }
        let now = WallClock.nowMillis()
        for report in reports {
            let messageID = report.outID.flatMap { MessageID.channel(of: $0) == .sms ? $0 : nil }
            let (result, _) = try await store.applyReceipt(
                channel: .sms, provider: "aliyun", providerMessageID: report.bizID, kind: .status(report.status),
                detail: report.success ? "" : [report.errCode, report.errMsg].compactMap { $0 }.joined(separator: " "),
                eventID: report.eventID, nowMillis: now, messageID: messageID)
            metrics.receipt(provider: "aliyun", result: result.rawValue)
        }
        return JSONResponse.make(.ok, #"{"code":0,"msg":"接收成功"}"#)
    }
}
