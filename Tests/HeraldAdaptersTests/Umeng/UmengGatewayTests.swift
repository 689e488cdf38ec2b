import HeraldAdapters
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import Testing

/// Umeng through the whole gateway: routing by the `umeng:` recipient, the
/// wire body its simulator received, suppression, and the API's validation.
@Suite("Umeng push")
struct UmengGatewayTests {
    /// An Android device token as Umeng documents it: 44 characters.
    static let androidToken = "Ag_6vVcKBz7Ncc1v8kaYZEaQRc9U2TmUmwzydFVSh9bg"
    /// An iOS device token: 64 hex digits, which APNs alone would also take.
    static let iosToken = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    static func json(_ payload: String?) throws -> [String: Any] {
        let text = try #require(payload)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("umeng:android: and umeng:ios: pushes reach their app through signed /api/send with out_biz_no = the message id")
    func delivered() async throws {
        try await withHarness { h in
            let expires = (WallClock.nowMillis() / 1_000 + 86_400) * 1_000
            let expiresAt = Date(timeIntervalSince1970: TimeInterval(expires / 1_000)).formatted(.iso8601)
            let android = try await h.sendPush(
                to: "umeng:android:" + Self.androidToken,
                extra: #","data":{"order":123,"kind":"shipped"},"expires_at":"\#(expiresAt)""#)
            let ios = try await h.sendPush(to: "umeng:ios:" + Self.iosToken, extra: #","data":{"order":7}"#)
            try await h.waitForStatus(android, "delivered")
            try await h.waitForStatus(ios, "delivered")
            for id in [android, ios] {
                let message = try await h.message(id)
                #expect(message.fields["provider"] == UmengRegistration.name)
                #expect(message.fields["provider_message_id"]?.hasPrefix("uu") == true)
            }
            #expect(h.ledger(FCMRegistration.name).requests == 0 && h.ledger(APNsRegistration.name).requests == 0,
                    "umeng: recipients go to Umeng alone, the 64-hex iOS token included")

            let sent = try Self.json(h.ledger(UmengRegistration.name).lastPayload(to: Self.androidToken))
            #expect(sent["appkey"] as? String == UmengRegistration.sandboxAndroidAppKey)
            #expect(sent["type"] as? String == "unicast")
            #expect(sent["device_tokens"] as? String == Self.androidToken)
            #expect(sent["production_mode"] as? String == "true")
            #expect(sent["policy"] as? [String: String] == ["out_biz_no": android, "expire_time": UmengTime.format(millis: expires)])
            let payload = try #require(sent["payload"] as? [String: Any])
            #expect(payload["display_type"] as? String == "notification")
            #expect(payload["body"] as? [String: String]
                == ["ticker": "Order shipped", "title": "Order shipped", "text": "On its way", "after_open": "go_app"])
            #expect(payload["extra"] as? [String: String] == ["order": "123", "kind": "shipped"])

            let iosSent = try Self.json(h.ledger(UmengRegistration.name).lastPayload(to: Self.iosToken))
            #expect(iosSent["appkey"] as? String == UmengRegistration.sandboxIOSAppKey)
            #expect(iosSent["policy"] as? [String: String] == ["out_biz_no": ios])
            let iosPayload = try #require(iosSent["payload"] as? [String: Any])
            #expect((iosPayload["aps"] as? [String: Any])?["alert"] as? [String: String] == ["title": "Order shipped", "body": "On its way"])
            #expect(iosPayload["order"] as? Int == 7)
        }
    }

    @Test("FCM- and APNs-shaped tokens still go to FCM and APNs, which refuse umeng: recipients; the sandbox chain has all three")
    func routing() async throws {
        try await withHarness { h in
            let fcm = try await h.sendPush(to: "fcm-token-beside-umeng")
            let apns = try await h.sendPush(to: String(repeating: "0a", count: 32))
            try await h.waitForStatus(fcm, "delivered")
            try await h.waitForStatus(apns, "delivered")
            #expect(try await h.message(fcm).fields["provider"] == FCMRegistration.name)
            #expect(try await h.message(apns).fields["provider"] == APNsRegistration.name)
            #expect(h.ledger(UmengRegistration.name).requests == 0)

            #expect(try h.enabled.filter { $0.channel == .push }.map { $0.name }
                == [FCMRegistration.name, APNsRegistration.name, UmengRegistration.name])
            let chain = ProviderChain(try h.providers.filter { $0.channel == .push },
                                      policy: CircuitBreakerPolicy(failureThreshold: 3, cooldownMillis: 1_000))
            #expect(chain.select(for: "umeng:android:" + Self.androidToken)?.provider.name == UmengRegistration.name)
            #expect(chain.select(for: "umeng:ios:" + Self.iosToken)?.provider.name == UmengRegistration.name)
            #expect(chain.select(for: Self.iosToken)?.provider.name == APNsRegistration.name)
            #expect(chain.select(for: Self.androidToken)?.provider.name == FCMRegistration.name)
            #expect(chain.select(for: "umeng:harmony:" + Self.androidToken) == nil, "nobody takes a malformed umeng: recipient")
            let (fcmProvider, apnsProvider) = (try h.provider(FCMProvider.self), try h.provider(APNsProvider.self))
            for recipient in ["umeng:android:" + Self.androidToken, "umeng:ios:" + Self.iosToken, "UMENG:ios:" + Self.iosToken] {
                #expect(!fcmProvider.canDeliver(to: recipient) && !apnsProvider.canDeliver(to: recipient), "\(recipient)")
            }
        }
    }

    @Test("500 and 4001 are retried; 5000 fails at once and suppresses the full umeng: recipient")
    func errors() async throws {
        let gone = "Gone" + String(Self.androidToken.dropFirst(4))
        var options = HarnessOptions()
        options.faults[UmengRegistration.name] = { token, attempt in
            if token == gone { return .invalidRecipient }
            return attempt <= 2 ? .serverError : nil
        }
        try await withHarness(options) { h in
            let retried = try await h.sendPush(to: "umeng:ios:" + Self.iosToken)
            try await h.waitForStatus(retried, "delivered")
            #expect(try await h.message(retried).attempts == 3)
            #expect(try await h.events(retried).contains { $0.detail.contains("4001") })

            let failed = try await h.sendPush(to: "umeng:android:" + gone)
            try await h.waitForStatus(failed, "failed")
            #expect(try await h.message(failed).fields["error"]?.contains("5000") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/push/umeng:android:\(gone)").status == 200)
            #expect(try await h.api(.GET, "/v1/suppressions/push/umeng:ios:\(gone)").status == 404, "keyed by the full to")
        }
    }

    @Test("outside the sandbox the settings make the provider: each platform's app or none, the base URL, production_mode")
    func configured() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            var context = h.providerContext(for: UmengRegistration.self)
            context.sandbox = nil
            func make(_ settings: [String: String]) throws -> any ChannelProvider {
                context.settings = ProviderSettings(settings)
                return try UmengRegistration.makeProvider(context)
            }
            let android = [
                "HERALD_UMENG_ANDROID_APP_KEY": UmengRegistration.sandboxAndroidAppKey,
                "HERALD_UMENG_ANDROID_MASTER_SECRET": Harness.secret(UmengRegistration.self, "android_master_secret"),
                "HERALD_UMENG_BASE_URL": h.simulatorURL, "HERALD_UMENG_PRODUCTION_MODE": "false",
            ]
            #expect(UmengRegistration.isConfigured(ProviderSettings(android)))
            let provider = try make(android)
            let message = { (to: String) in OutboundMessage(id: "push_1", channel: .push, to: to, body: "b") }
            guard case .accepted = await provider.send(message("umeng:android:" + Self.androidToken)) else {
                Issue.record("the Android app sends")
                return
            }
            #expect(try Self.json(h.ledger(UmengRegistration.name).lastPayload(to: Self.androidToken))["production_mode"] as? String
                == "false")
            guard case .permanent("platform_not_configured", let text) = await provider.send(message("umeng:ios:" + Self.iosToken))
            else { Issue.record("an unconfigured iOS app is a permanent failure"); return }
            #expect(text.contains("HERALD_UMENG_IOS_APP_KEY") && text.contains("HERALD_UMENG_IOS_MASTER_SECRET"))

            for (settings, names) in [(["HERALD_UMENG_IOS_MASTER_SECRET": "s"], "HERALD_UMENG_IOS_APP_KEY"),
                                      (["HERALD_UMENG_ANDROID_APP_KEY": "k"], "HERALD_UMENG_ANDROID_MASTER_SECRET"),
                                      (android.merging(["HERALD_UMENG_PRODUCTION_MODE": "yes"]) { $1 }, "HERALD_UMENG_PRODUCTION_MODE")] {
                let error = #expect(throws: ProviderConfigurationError.self) { _ = try make(settings) }
                #expect(error?.description.contains(names) == true, "\(String(describing: error))")
            }
        }
    }

    @Test("an unknown Umeng platform or a malformed Umeng token is refused with 422 naming to",
          arguments: ["umeng:harmony:" + androidToken, "umeng:android:short", "umeng:" + androidToken,
                      "UMENG:android:" + androidToken, "umeng:ios:" + String(repeating: "ab", count: 65)])
    func validation(to: String) async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let reply = try await h.api(
                .POST, "/v1/messages", json: #"{"channel":"push","to":"\#(to)","content":{"title":"t","body":"b"}}"#)
            #expect(reply.status == 422, "\(reply.body)")
            let error = reply.json["error"] as? [String: Any]
            #expect(error?["field"] as? String == "to")
            #expect(error?["code"] as? String == "invalid_recipient")
            if to.hasPrefix("umeng:harmony:") { #expect((error?["message"] as? String)?.contains("harmony") == true) }
        }
    }
}
