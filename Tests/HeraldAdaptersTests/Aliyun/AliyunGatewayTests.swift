import HeraldAdapters
import Foundation
import HeraldCore
import HeraldSimulators
import HeraldTesting
import NIOHTTP1
import Testing

@Suite("Aliyun SMS")
struct AliyunGatewayTests {
    static func options(_ faults: @escaping FaultRule = { _, _ in nil }) -> HarnessOptions {
        var options = HarnessOptions()
        options.smsProviders = ["aliyun"]
        options.faults[AliyunRegistration.name] = faults
        return options
    }

    @Test("a message goes out through signed SendSms with OutId and is delivered by the SmsReport", arguments: RedisLayout.allCases)
    func delivered(layout: RedisLayout) async throws {
        try await withHarness(Self.options(), on: layout) { h in
            let id = try await h.sendSMS(to: "+8613800138000", body: "您的验证码是 1234")
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            #expect(message.fields["provider"] == "aliyun")
            let bizID = try #require(message.fields["provider_message_id"])
            #expect(bizID.hasSuffix("^0"))
            #expect(try await h.events(id).contains { $0.type == "receipt:delivered" })
            #expect(h.ledger(AliyunRegistration.name).accepted(to: "13800138000") == 1, "mainland numbers go without +86")
            try await eventually("the simulator sees its report answered") { h.ledger(AliyunRegistration.name).callbacksSent == 1 }
        }
    }

    @Test("isp.SYSTEM_ERROR is retried and the next attempt succeeds")
    func serverErrorRetried() async throws {
        try await withHarness(Self.options { _, attempt in attempt == 1 ? .serverError : nil }) { h in
            let id = try await h.sendSMS(to: "+85291234567")
            try await h.waitForStatus(id, "delivered")
            #expect(try await h.message(id).attempts == 2)
            #expect(try await h.events(id).contains { $0.type == "retrying" && $0.detail.contains("isp.SYSTEM_ERROR") })
        }
    }

    @Test("isv.BUSINESS_LIMIT_CONTROL defers the message by a minute instead of failing it")
    func throttled() async throws {
        try await withHarness(Self.options { _, _ in .throttled(retryAfterSeconds: 1) }) { h in
            let id = try await h.sendSMS(to: "+85291234568")
            try await h.waitForStatus(id, "retrying")
            let retry = try #require(try await h.events(id).first(where: { $0.type == "retrying" }))
            let next = try #require(try await h.message(id).fields["next_attempt_at"].flatMap { Int64($0) })
            #expect(next - retry.at >= 60_000)
            #expect(retry.detail.contains("isv.BUSINESS_LIMIT_CONTROL"))
        }
    }

    @Test("isv.MOBILE_NUMBER_ILLEGAL fails at once and suppresses the number")
    func invalidNumber() async throws {
        try await withHarness(Self.options { _, _ in .invalidRecipient }) { h in
            let id = try await h.sendSMS(to: "+85291234569")
            try await h.waitForStatus(id, "failed")
            #expect(try await h.message(id).attempts == 1)
            #expect(try await h.message(id).fields["error"]?.contains("isv.MOBILE_NUMBER_ILLEGAL") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/sms/+85291234569").status == 200)
        }
    }

    @Test("a report with a wrong or missing token, or a malformed body, is refused and changes nothing")
    func forgedReport() async throws {
        var options = Self.options()
        options.callbackDelay = .seconds(3_600)
        try await withHarness(options) { h in
            let id = try await h.sendSMS(to: "+85291234570")
            try await h.waitForStatus(id, "sent")
            let bizID = try #require(try await h.message(id).fields["provider_message_id"])
            let report = AliyunSmsReport(
                phoneNumber: "85291234570", success: false, errCode: "MK:0001", errMsg: "forged", bizID: bizID,
                outID: id, sendTime: nil, reportTime: nil)
            let body = "[" + report.encoded() + "]"
            #expect(try await h.postAliyunReport(body, token: "wrong").status == 403)
            #expect(try await h.postAliyunReport(body, token: nil).status == 401)
            #expect(try await h.postAliyunReport(#"{"not":"an array"}"#).status == 400)
            #expect(try await h.postAliyunReport(#"[{"phone_number":1}]"#).status == 400)
            #expect(try await h.status(id) == "sent")

            #expect(try await h.postAliyunReport(body).status == 200)
            #expect(try await h.postAliyunReport(body).status == 200)
            #expect(try await h.status(id) == "undelivered")
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_receipts_total{provider="aliyun",result="applied"} 1"#))
            #expect(metrics.contains(#"herald_receipts_total{provider="aliyun",result="duplicate"} 1"#))
            #expect(metrics.contains(#"herald_receipts_total{provider="aliyun",result="rejected"} 4"#))
        }
    }
}
