import HeraldAdapters
import Foundation
import HeraldCore
import HeraldTesting
import Testing

/// What an attacker tries against the receipt and inbound endpoints: a
/// provider Herald is not configured for, oversized bodies. Every attempt is
/// refused and leaves Redis as it was.
@Suite("Receipt and inbound trust")
struct WebhookTrustTests {
    @Test("with only Twilio configured, correctly signed receipts and inbound for other providers answer 404 and change nothing")
    func unconfiguredProviders() async throws {
        var options = HarnessOptions()
        options.webhookProviders = ["twilio"]
        try await withHarness(options) { h in
            let id = try await h.sendWeChat(to: "oWeChatOpenID0000000000000001")
            // Accepted by the simulator; its receipt finds no WeChat endpoint, so the message stays `sent`.
            try await h.waitForStatus(id, "sent")
            let before = try await h.keySnapshot()
            let stamp = Int64(Date().timeIntervalSince1970)
            let unfollow = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oWeChatOpenID0000000000000001]]></FromUserName>"
                + "<CreateTime>\(stamp)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>"
            let wechat = try await h.pushWeChat(xml: unfollow)
            #expect(wechat.status == 404)
            #expect(wechat.json["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "provider_not_configured")
            let report = AliyunSmsReport(phoneNumber: "13800138000", success: false, errCode: "X", errMsg: nil, bizID: "1^2",
                                         outID: nil, sendTime: nil, reportTime: nil)
            #expect(try await h.postAliyunReport("[" + report.encoded() + "]").status == 404)
            let reply = AliyunSmsUp.encoded([AliyunSmsUp(phoneNumber: "13800138000", content: "TD")])
            #expect(try await h.request(.POST, h.apiURL + "/v1/inbound/aliyun?token=" + Harness.secret(AliyunRegistration.self, "receipt_token"), body: reply).status == 404)
            let event = SendGridEvent(email: "a@example.com", timestamp: stamp, event: "spamreport", sgEventID: "e-1",
                                      sgMessageID: nil, heraldID: "email_01M8KG1N9F9EP3F1R4EMJJD91G")
            #expect(try await h.postSendGridEvents([event]).status == 404)
            #expect(try await h.request(.GET, h.apiURL + "/v1/receipts/wechat?echostr=x").status == 404)
            #expect(try await h.request(.POST, h.apiURL + "/v1/receipts/nexmo", body: "{}").status == 404)
            #expect(try await h.keySnapshot() == before)
            #expect(try await h.api(.GET, "/v1/suppressions/wechat/oWeChatOpenID0000000000000001").status == 404)
            #expect(try await h.status(id) == "sent")
        }
    }

    @Test("an oversized receipt is refused with 413 and changes nothing")
    func oversized() async throws {
        try await withHarness { h in
            let id = try await h.sendSMS(to: "+14155550123")
            try await h.waitForStatus(id, "delivered")
            let before = try await h.keySnapshot()
            let huge = "MessageSid=SM1&MessageStatus=delivered&Padding=" + String(repeating: "x", count: 1_100_000)
            let reply = try await h.request(.POST, h.apiURL + "/v1/receipts/twilio", body: huge,
                                            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", "x")])
            #expect(reply.status == 413)
            #expect(try await h.keySnapshot() == before)
            #expect(try await h.request(.GET, h.apiURL + "/health").status == 200)
        }
    }

    @Test("an Aliyun SmsUp reply TD suppresses the mainland sender, and the next SMS to them ends suppressed")
    func aliyunInbound() async throws {
        var options = HarnessOptions()
        options.smsProviders = [AliyunRegistration.name]
        try await withHarness(options) { h in
            let reply = AliyunSmsUp.encoded([AliyunSmsUp(phoneNumber: "13800138000", content: "ＴＤ")])
            let posted = try await h.request(.POST, h.apiURL + "/v1/inbound/aliyun?token=" + Harness.secret(AliyunRegistration.self, "receipt_token"), body: reply)
            #expect(posted.status == 200)
            #expect(posted.json["code"] as? Int == 0)
            let entry = try await h.api(.GET, "/v1/suppressions/sms/+8613800138000")
            #expect(entry.json["reason"] as? String == "unsubscribed")
            let id = try await h.sendSMS(to: "+8613800138000")
            try await h.waitForStatus(id, "suppressed")
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_inbound_messages_total{provider="aliyun",intent="opt_out"} 1"#))
        }
    }
}
