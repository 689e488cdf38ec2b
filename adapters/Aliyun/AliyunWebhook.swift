import Foundation
import HeraldCore
import HeraldProviders

/// Aliyun's two message pushes: SmsReport (delivery results) and SmsUp
/// (replies people send). Aliyun does not sign its pushes, so the push URLs
/// set in Aliyun's console carry a secret `token`, compared in constant time.
/// Reports find their message by `out_id` (Herald's id, sent as OutId) and
/// are deduplicated by biz_id and result; replies with an opt-out keyword
/// suppress the sender on SMS. Both answer the `{"code":0}` Aliyun expects.
public struct AliyunWebhook: ProviderWebhook {
    public let provider = AliyunRegistration.name
    public let routes = [WebhookRoute(.post, .receipts, provider: AliyunRegistration.name), WebhookRoute(.post, .inbound, provider: AliyunRegistration.name)]
    let receiptToken: String
    /// The most entries one push may carry.
    static let maxEntries = 1_000

    public init(receiptToken: String) {
        self.receiptToken = receiptToken
    }

    public func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult {
        guard let token = request.queryValue("token") else { throw .missingSignature("the push URL's token is required") }
        guard ConstantTime.equal(token, receiptToken) else { throw .invalidSignature("the push URL token does not match") }
        let effects: [WebhookEffect]
        switch route.purpose {
        case .receipts:
            guard let reports = AliyunSmsReport.parse(Data(request.body)), reports.count <= Self.maxEntries else {
                throw .malformed("expected a JSON array of at most 1000 SmsReport objects with phone_number, success and biz_id")
            }
            effects = reports.map { report in
                .receipt(ProviderReceipt(
                    channel: .sms, providerMessageID: report.bizID, kind: .status(report.status),
                    detail: report.success ? "" : [report.errCode, report.errMsg].compactMap { $0 }.joined(separator: " "),
                    eventID: report.eventID,
                    messageID: report.outID.flatMap { MessageID.channel(of: $0) == .sms ? $0 : nil }))
            }
        case .inbound:
            guard let replies = AliyunSmsUp.parse(Data(request.body)), replies.count <= Self.maxEntries else {
                throw .malformed("expected a JSON array of at most 1000 SmsUp objects with phone_number and content")
            }
            effects = replies.map { reply in
                .inbound(body: reply.content, from: reply.e164PhoneNumber, channel: .sms)
            }
        }
        return WebhookResult(effects: effects, reply: .json(#"{"code":0,"msg":"接收成功"}"#))
    }
}
