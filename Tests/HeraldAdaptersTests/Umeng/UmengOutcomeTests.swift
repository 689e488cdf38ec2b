import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import NIOCore
import NIOHTTP1
import Testing
@testable import HeraldAdapters

/// Every documented Umeng answer mapped to a `SendOutcome`: first the table
/// itself, then each answer the simulator gives, through a real provider.
@Suite("Umeng outcomes")
struct UmengOutcomeTests {
    static let android = UmengPushAddress("umeng:android:" + UmengGatewayTests.androidToken)!
    static let ios = UmengPushAddress("umeng:ios:" + UmengGatewayTests.iosToken)!

    static func fail(_ code: String, status: UInt = 400, to address: UmengPushAddress = UmengOutcomeTests.android) -> SendOutcome {
        let body = #"{"ret":"FAIL","data":{"error_code":"\#(code)","error_msg":"device \#(address.deviceToken) x"}}"#
        return UmengProvider.outcome(status: status, headers: HTTPHeaders(), body: ByteBuffer(string: body), to: address)
    }

    @Test("device-token codes are invalid recipients, masked", arguments: ["4014", "4020", "5000", "5005", "1015"])
    func tokenCodes(code: String) {
        guard case .invalidRecipient(let got, let message) = Self.fail(code) else {
            Issue.record("\(code): \(Self.fail(code))")
            return
        }
        #expect(got == code)
        #expect(!message.contains(UmengGatewayTests.androidToken), "the device token is masked")
    }

    @Test("rate codes throttle for a minute", arguments: ["2050", "2026"])
    func rateCodes(code: String) {
        #expect(Self.fail(code) == .throttled(code: code, message: "Umeng \(code): device Ag_6…(44) x", retryAfterMillis: 60_000))
    }

    @Test("Umeng's own trouble is retried",
          arguments: ["4000", "4001", "4009", "3000", "3001", "3002", "3003", "3004", "6001", "6002", "6003", "6004"])
    func transientCodes(code: String) {
        #expect(Self.fail(code).isRetryable)
        if case .throttled = Self.fail(code) { Issue.record("\(code) is not a rate limit") }
    }

    @Test("account and host problems are permanent and say what to fix",
          arguments: [("2000", "enable it"), ("2004", "IP whitelist"), ("2054", "IP whitelist"),
                      ("2007", "HERALD_UMENG_ANDROID_MASTER_SECRET"), ("2021", "HERALD_UMENG_ANDROID_APP_KEY"),
                      ("2027", "HERALD_UMENG_ANDROID_MASTER_SECRET"), ("2028", "clock"), ("2032", "production certificate"),
                      ("2033", "development certificate"), ("2034", "expired"), ("2035", "expired"), ("5007", "certificate"),
                      ("5008", "certificate"), ("5009", "certificate"), ("5010", ".p8")])
    func configurationCodes(code: String, fix: String) {
        guard case .permanent(let got, let message) = Self.fail(code) else {
            Issue.record("\(code): \(Self.fail(code))")
            return
        }
        #expect(got == code)
        #expect(message.contains(fix), "\(message)")
    }

    @Test("the fix names the settings of the recipient's platform")
    func platformSettings() {
        guard case .permanent(_, let message) = Self.fail("2027", to: Self.ios) else { Issue.record("not permanent"); return }
        #expect(message.contains("HERALD_UMENG_IOS_MASTER_SECRET"))
    }

    @Test("payload and policy errors are permanent", arguments: ["1001", "1009", "2003", "2022", "2025", "2040", "5002"])
    func payloadCodes(code: String) {
        guard case .permanent(let got, _) = Self.fail(code) else { Issue.record("\(code): \(Self.fail(code))"); return }
        #expect(got == code)
    }

    @Test("success is sent with msg_id; 5xx is retried whatever the body; a 200 without SUCCESS is retried")
    func replies() {
        let success = ByteBuffer(string: #"{"ret":"SUCCESS","data":{"msg_id":"uu07343141897754408310"}}"#)
        #expect(UmengProvider.outcome(status: 200, headers: HTTPHeaders(), body: success, to: Self.android)
            == .accepted(providerMessageID: "uu07343141897754408310", status: .delivered))
        #expect(Self.fail("2027", status: 503).isRetryable)
        #expect(UmengProvider.outcome(status: 502, headers: HTTPHeaders(), body: ByteBuffer(string: "<html>"), to: Self.android).isRetryable)
        #expect(UmengProvider.outcome(status: 200, headers: HTTPHeaders(), body: ByteBuffer(string: "{}"), to: Self.android).isRetryable)
        let numeric = ByteBuffer(string: #"{"ret":"FAIL","data":{"error_code":2050,"error_msg":"x"}}"#)
        if case .throttled = UmengProvider.outcome(status: 400, headers: HTTPHeaders(), body: numeric, to: Self.android) {} else {
            Issue.record("a numeric error_code is read")
        }
    }

    /// A provider of the sandbox's apps against the harness's simulator; `change` alters its configuration.
    static func provider(_ h: Harness, clockOffsetMillis: Int64 = 0, _ change: (inout UmengConfiguration) -> Void = { _ in })
        -> UmengProvider
    {
        let apps = UmengRegistration.sandboxApps(h.secrets[provider: UmengRegistration.name])
        var configuration = UmengConfiguration(baseURL: h.simulatorURL, android: apps.android, ios: apps.ios)
        change(&configuration)
        return UmengProvider(configuration: configuration, client: h.providerClient,
                             nowMillis: { WallClock.nowMillis() + clockOffsetMillis })
    }

    static func push(_ to: String, data: String? = nil) -> OutboundMessage {
        OutboundMessage(id: "push_01JDQ8Z6Y3W4V5T6S7R8Q9P0NM", channel: .push, to: to, body: "On its way", title: "Shipped",
                        dataJSON: data)
    }

    @Test("the simulator's answers: malformed tokens, faults, 500 then 4001, and the request checks")
    func simulatorAnswers() async throws {
        var options = HarnessOptions(startDispatcher: false)
        options.faults[UmengRegistration.name] = { token, attempt in
            switch token.prefix(4) {
            case "Gone": .invalidRecipient
            case "Slow": .throttled(retryAfterSeconds: 1)
            case "Down": attempt <= 2 ? .serverError : nil
            case "Refu": .badRequest
            default: nil
            }
        }
        try await withHarness(options) { h in
            let provider = Self.provider(h)
            func code(_ outcome: SendOutcome) -> String {
                switch outcome {
                case .accepted: "accepted"
                case .retryable(let code, _, _): "retryable " + code
                case .throttled(let code, _, let after): "throttled \(code) \(after ?? 0)"
                case .permanent(let code, _): "permanent " + code
                case .invalidRecipient(let code, _): "invalid " + code
                case .optedOut(let code, _): "opted out " + code
                case .declined(let code, _, _): "declined " + code
                }
            }
            func send(_ to: String, data: String? = nil) async -> String { code(await provider.send(Self.push(to, data: data))) }
            let token = { (prefix: String) in prefix + String(UmengGatewayTests.androidToken.dropFirst(prefix.count)) }
            #expect(await send("umeng:android:" + token("Gone")) == "invalid 5000")
            #expect(await send("umeng:android:" + token("Slow")) == "throttled 2050 60000")
            #expect(await send("umeng:android:" + token("Down")) == "retryable http_500")
            #expect(await send("umeng:android:" + token("Down")) == "retryable 4001")
            #expect(await send("umeng:android:" + token("Down")) == "accepted")
            #expect(await send("umeng:android:" + token("Refu")) == "permanent 2022")
            #expect(await send("umeng:android:" + String(UmengGatewayTests.androidToken.prefix(40))) == "invalid 4020")
            #expect(await send("umeng:ios:" + String(repeating: "zz", count: 32)) == "invalid 5005")
            #expect(await send("umeng:ios:" + UmengGatewayTests.iosToken, data: #"{"d":1}"#) == "permanent 5002")
            #expect(await send("umeng:android:" + UmengGatewayTests.androidToken) == "accepted")

            let wrongSecret = Self.provider(h) { $0.android?.masterSecret = "not-the-master-secret" }
            #expect(code(await wrongSecret.send(Self.push("umeng:android:" + UmengGatewayTests.androidToken))) == "permanent 2027")
            let unknownKey = Self.provider(h) { $0.ios?.appKey = "5f00000000000000000000ff" }
            #expect(code(await unknownKey.send(Self.push("umeng:ios:" + UmengGatewayTests.iosToken))) == "permanent 2021")
            let late = Self.provider(h, clockOffsetMillis: -11 * 60_000)
            #expect(code(await late.send(Self.push("umeng:ios:" + UmengGatewayTests.iosToken))) == "permanent 2028")
            let androidOnly = Self.provider(h) { $0.ios = nil }
            let before = h.ledger(UmengRegistration.name).requests
            #expect(code(await androidOnly.send(Self.push("umeng:ios:" + UmengGatewayTests.iosToken))) == "permanent platform_not_configured")
            #expect(h.ledger(UmengRegistration.name).requests == before, "nothing is sent for an unconfigured platform")
        }
    }

    @Test("herald doctor's check: /api/status answers 1014 to good credentials, and names the fix for bad ones")
    func credentialCheck() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            guard case .valid(let text) = await Self.provider(h).checkCredentials() else { Issue.record("refused"); return }
            #expect(text.contains("android app") && text.contains("ios app") && text.contains("1014"), "\(text)")
            let wrong = Self.provider(h) { $0.ios?.masterSecret = "wrong" }
            guard case .invalid(let refusal) = await wrong.checkCredentials() else { Issue.record("accepted a wrong secret"); return }
            #expect(refusal.contains("2027") && refusal.contains("HERALD_UMENG_IOS_MASTER_SECRET"), "\(refusal)")
            let late = Self.provider(h, clockOffsetMillis: 20 * 60_000)
            guard case .invalid(let skew) = await late.checkCredentials() else { Issue.record("accepted a skewed clock"); return }
            #expect(skew.contains("2028") && skew.contains("clock"), "\(skew)")
            #expect(h.ledger(UmengRegistration.name).requests == 0, "the check sends nothing")
        }
    }
}
