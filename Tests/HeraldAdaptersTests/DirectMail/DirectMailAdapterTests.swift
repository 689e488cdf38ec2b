@testable import HeraldAdapters
import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import Testing

/// DirectMail's adapter on its own: the signature against a value computed
/// outside Herald, the parameters of a send, and the mapping of replies the
/// simulator does not produce. No server: this is the adapter's contract.
@Suite("DirectMail adapter")
struct DirectMailAdapterTests {
    /// A SingleSendMail call of the `testid` / `testsecret` account at a fixed time and nonce.
    static let api: [(String, String)] = [
        ("AccountName", "news@herald.test"), ("AddressType", "1"), ("ReplyToAddress", "false"),
        ("ToAddress", "alice@example.com"), ("Subject", "Grüße aus Herald"), ("HtmlBody", "<p>Hello</p>"),
        ("FromAlias", "Herald"), ("TagName", "weekly"),
        ("Headers", #"{"List-Unsubscribe":"<https://herald.test/u/abc.def>","List-Unsubscribe-Post":"List-Unsubscribe=One-Click"}"#),
    ]

    @Test("SingleSendMail is signed as Alibaba Cloud's published algorithm signs it")
    func signature() {
        // Expected value computed with Python's standard library, following the
        // published RPC signature algorithm (the same one-liner reproduces the
        // documented DescribeRegions example, CT9X0VtwR86fNWSnsc6v8YGOjuE=):
        // python3 -c 'import hmac,hashlib,base64,urllib.parse as u;q=lambda s:u.quote(s,safe="~");p={"AccessKeyId":"testid","Action":"SingleSendMail","Format":"JSON","RegionId":"cn-hangzhou","SignatureMethod":"HMAC-SHA1","SignatureNonce":"c1b8f2a4-5d3e-4f6a-9b7c-8d9e0f1a2b3c","SignatureVersion":"1.0","Timestamp":"2026-11-23T04:00:00Z","Version":"2015-11-23","AccountName":"news@herald.test","AddressType":"1","ReplyToAddress":"false","ToAddress":"alice@example.com","Subject":"Grüße aus Herald","HtmlBody":"<p>Hello</p>","FromAlias":"Herald","TagName":"weekly","Headers":"{\"List-Unsubscribe\":\"<https://herald.test/u/abc.def>\",\"List-Unsubscribe-Post\":\"List-Unsubscribe=One-Click\"}"};c="&".join(q(k)+"="+q(v) for k,v in sorted(p.items()));print(base64.b64encode(hmac.new(b"testsecret&",("POST&%2F&"+q(c)).encode(),hashlib.sha1).digest()).decode())'
        let expected = "sd9j6eGUDH8l8eupTM8ZaziO5SU="
        let call = DirectMailConfiguration(
            endpoint: "https://dm.aliyuncs.com/", accessKeyID: "testid", accessKeySecret: "testsecret",
            accountName: "news@herald.test").rpc
        #expect(call.endpoint == "https://dm.aliyuncs.com")
        let signed = call.signedParameters(
            action: "SingleSendMail", Self.api, date: Date(timeIntervalSince1970: 1_795_406_400),
            nonce: "c1b8f2a4-5d3e-4f6a-9b7c-8d9e0f1a2b3c")
        #expect(signed.first { $0.0 == "Timestamp" }?.1 == "2026-11-23T04:00:00Z")
        #expect(signed.last?.0 == "Signature")
        #expect(signed.last?.1 == expected)
        #expect(AliyunSignature.isValid(method: "POST", parameters: signed, secret: "testsecret"))
        #expect(!AliyunSignature.isValid(method: "GET", parameters: signed, secret: "testsecret"), "GET signs differently")
    }

    @Test("a send carries the account, one body, the alias and tag, and List-Unsubscribe only on marketing mail")
    func parameters() {
        let links = UnsubscribeLinks(baseURL: "https://herald.test", secret: "unsubscribe-secret")
        let provider = DirectMailProvider(
            configuration: DirectMailConfiguration(
                endpoint: "https://dm.aliyuncs.com", accessKeyID: "id", accessKeySecret: "secret",
                accountName: "news@herald.test", fromAlias: "Herald", tagName: "weekly", unsubscribeLinks: links),
            client: ProviderHTTPClient.make(maxConnectionsPerHost: 1, timeoutSeconds: 1))
        var message = OutboundMessage(
            id: "email_1", channel: .email, to: "alice@example.com", body: "Hello", subject: "Hi", category: .marketing,
            html: "<p>Hello</p>")
        let marketing = Dictionary(provider.parameters(for: message), uniquingKeysWith: { first, _ in first })
        #expect(marketing["AccountName"] == "news@herald.test" && marketing["AddressType"] == "1")
        #expect(marketing["ReplyToAddress"] == "false" && marketing["ToAddress"] == "alice@example.com")
        #expect(marketing["HtmlBody"] == "<p>Hello</p>" && marketing["TextBody"] == nil)
        #expect(marketing["FromAlias"] == "Herald" && marketing["TagName"] == "weekly")
        let headers = try? JSONSerialization.jsonObject(with: Data((marketing["Headers"] ?? "").utf8)) as? [String: String]
        #expect(headers == [
            "List-Unsubscribe": "<" + links.url(channel: .email, recipient: "alice@example.com") + ">",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        ])
        message.category = .transactional
        message.html = nil
        let transactional = Dictionary(provider.parameters(for: message), uniquingKeysWith: { first, _ in first })
        #expect(transactional["Headers"] == nil && transactional["TextBody"] == "Hello" && transactional["HtmlBody"] == nil)
    }

    @Test("replies the simulator does not give: InternalError and bodiless 5xx retry, Forbidden and Throttling are classified")
    func otherReplies() {
        func outcome(_ status: UInt, _ body: String) -> SendOutcome {
            DirectMailProvider.outcome(status: status, body: ByteBuffer(string: body))
        }
        let error = #"{"RequestId":"r","HostId":"dm.aliyuncs.com","Code":"%@","Message":"m"}"#
        #expect(outcome(500, error.replacingOccurrences(of: "%@", with: "InternalError"))
            == .retryable(code: "InternalError", message: "m", retryAfterMillis: nil))
        #expect(outcome(502, "<html>Bad Gateway</html>") == .retryable(code: "http_502", message: "HTTP 502", retryAfterMillis: nil))
        #expect(outcome(200, #"{"RequestId":"r"}"#).isRetryable, "200 without an EnvId is not acceptance")
        #expect(outcome(400, error.replacingOccurrences(of: "%@", with: "Throttling"))
            == .throttled(code: "Throttling", message: "m", retryAfterMillis: nil))
        guard case .permanent("Forbidden", let text) = outcome(400, error.replacingOccurrences(of: "%@", with: "Forbidden")) else {
            Issue.record("Forbidden is permanent")
            return
        }
        #expect(text.contains("AliyunDirectMailFullAccess") && text.contains("HERALD_DIRECTMAIL_ACCESS_KEY_ID"))
        #expect(outcome(400, error.replacingOccurrences(of: "%@", with: "InvalidBody")) == .permanent(code: "InvalidBody", message: "m"))
    }

    @Test("settings DirectMail would refuse are refused at start, naming the setting")
    func settings() throws {
        #expect(try DirectMailRegistration.fromAlias(ProviderSettings(["HERALD_EMAIL_FROM_NAME": "Herald News"])) == "Herald News")
        #expect(throws: ProviderConfigurationError.self) {
            try DirectMailRegistration.fromAlias(ProviderSettings(["HERALD_EMAIL_FROM_NAME": "Example Newsletter"]))
        }
        #expect(try DirectMailRegistration.tagName(ProviderSettings(["HERALD_DIRECTMAIL_TAG_NAME": "weekly_2-b"])) == "weekly_2-b")
        #expect(throws: ProviderConfigurationError.self) {
            try DirectMailRegistration.tagName(ProviderSettings(["HERALD_DIRECTMAIL_TAG_NAME": "weekly news"]))
        }
        #expect(throws: ProviderConfigurationError.self) { try DirectMailRegistration.accountName("news") }
        #expect(DirectMailProvider.describe(userStatus: 6) == "in arrears, outbound mail restricted")
    }
}
