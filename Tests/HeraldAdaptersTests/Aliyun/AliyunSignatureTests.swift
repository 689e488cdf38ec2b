import HeraldAdapters
import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import Testing

@Suite("Aliyun adapter")
struct AliyunAdapterTests {
    @Test("the RPC signature matches Alibaba Cloud's documented example")
    func documentedSignature() {
        let parameters = [
            ("AccessKeyId", "testid"), ("Action", "DescribeRegions"), ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"), ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"), ("Timestamp", "2016-02-23T12:46:24Z"), ("Version", "2014-05-26"),
        ]
        #expect(AliyunSignature.sign(method: "GET", parameters: parameters, secret: "testsecret")
            == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
        #expect(AliyunSignature.isValid(
            method: "GET", parameters: parameters + [("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")], secret: "testsecret"))
        #expect(!AliyunSignature.isValid(
            method: "GET", parameters: parameters + [("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qZ=")], secret: "testsecret"))
    }

    @Test("SmsReport pushes parse, and their event ids tell results apart")
    func reportParsing() throws {
        let body = #"[{"phone_number":"13800138000","send_time":"2026-11-23 10:00:00","report_time":"2026-11-23 10:00:05","success":false,"err_code":"MK:0001","err_msg":"x","sms_size":"1","biz_id":"932702304080415357^0","out_id":"sms_0000000000000000000000000A"}]"#
        let reports = try #require(AliyunSmsReport.parse(Data(body.utf8)))
        #expect(reports.count == 1)
        #expect(reports[0].status == .undelivered)
        #expect(reports[0].eventID == "aliyun:932702304080415357^0:MK:0001")
        #expect(AliyunSmsReport.parse(Data(#"{"phone_number":"1"}"#.utf8)) == nil)
        #expect(AliyunSmsReport.parse(Data(#"[{"success":true}]"#.utf8)) == nil)
    }

    @Test("pushes are held to openapi.yaml: every declared member is typed, nulls read as absent")
    func pushTypes() {
        let report = #"{"phone_number":"13800138000","success":true,"biz_id":"1""#
        #expect(AliyunSmsReport.parse(Data("[\(report),\"sms_size\":{}}]".utf8)) == nil, "sms_size must be a string")
        #expect(AliyunSmsReport.parse(Data("[\(report),\"err_code\":null,\"other\":[1]}]".utf8))?.first?.errCode == .some(nil))
        #expect(AliyunSmsReport.parse(Data(#"[{"success":true,"biz_id":"1"}]"#.utf8)) == nil, "phone_number is required")
        let reply = #"{"phone_number":"13800138000","content":"TD""#
        #expect(AliyunSmsUp.parse(Data("[\(reply),\"sequence_id\":123,\"sign_name\":null}]".utf8))?.count == 1)
        #expect(AliyunSmsUp.parse(Data("[\(reply),\"sequence_id\":\"123\"}]".utf8))?.count == 1)
        #expect(AliyunSmsUp.parse(Data("[\(reply),\"sequence_id\":1.5}]".utf8)) == nil)
        #expect(AliyunSmsUp.parse(Data("[\(reply),\"sequence_id\":{}}]".utf8)) == nil)
        #expect(AliyunSmsUp.parse(Data("[\(reply),\"sign_name\":7}]".utf8)) == nil)
        #expect(AliyunSmsUp.parse(Data(#"[{"phone_number":"","content":""}]"#.utf8)) == nil)
        #expect(AliyunSmsUp.parse(Data(#"[{"phone_number":" 0014155550100\t","content":""}]"#.utf8))?.first?.e164PhoneNumber
            == "+14155550100")
    }

    @Test("a send that may have reached a non-idempotent provider waits for its receipt before a retry")
    func ambiguousTimeout() {
        let ambiguous = HTTPOutcome.transportFailure(ProviderHTTPError.timeout(milliseconds: 15_000), ambiguousDelayMillis: 600_000)
        guard case .retryable(let code, _, let delay) = ambiguous else {
            Issue.record("expected retryable, got \(ambiguous)")
            return
        }
        #expect(code == "ambiguous_transport")
        #expect(delay == 600_000)
        let refused = HTTPOutcome.transportFailure(ProviderHTTPError.connectFailed("refused"), ambiguousDelayMillis: 600_000)
        guard case .retryable(_, _, let refusedDelay) = refused else {
            Issue.record("expected retryable, got \(refused)")
            return
        }
        #expect(refusedDelay == nil, "a request that never left can be retried on the normal schedule")
    }
}

