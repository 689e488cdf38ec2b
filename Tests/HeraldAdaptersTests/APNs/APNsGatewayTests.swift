import HeraldAdapters
import Crypto
import Foundation
import HeraldCore
import HeraldSimulators
import HeraldTesting
import Testing

@Suite("APNs push")
struct APNsTests {
    static let device = String(repeating: "ab12", count: 16)

    @Test("a push to a device token goes to APNs over HTTP/2 with an ES256 token and the apns-* headers")
    func delivered() async throws {
        try await withHarness { h in
            let first = try await h.sendPush(to: Self.device, extra: #","category":"marketing","data":{"collapse_id":"order-1","order":7}"#)
            try await h.waitForStatus(first, "delivered")
            let other = String(repeating: "cd34", count: 16)
            let second = try await h.sendPush(to: other)
            try await h.waitForStatus(second, "delivered")
            #expect(try await h.message(first).fields["provider"] == "apns")
            #expect(h.ledger(FCMRegistration.name).requests == 0, "a 64-hex device token is routed to APNs, not FCM")
            #expect(h.simulator(APNsSimulator.self).providerTokensSeen == 1, "the provider token is reused")
            let headers = try #require(h.simulator(APNsSimulator.self).lastHeaders(to: Self.device))
            #expect(headers["apns-topic"] == APNsRegistration.sandboxTopic)
            #expect(headers["apns-push-type"] == "alert")
            #expect(headers["apns-priority"] == "5", "marketing pushes are sent at low priority")
            #expect(headers["apns-collapse-id"] == "order-1")
            #expect(headers["apns-expiration"].flatMap { Int64($0) }.map { $0 > Int64(Date().timeIntervalSince1970) } == true)
            #expect(h.simulator(APNsSimulator.self).lastHeaders(to: other)?["apns-priority"] == "10")
            let payload = try #require(h.ledger(APNsRegistration.name).lastPayload(to: Self.device))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            let aps = try #require(json["aps"] as? [String: Any])
            #expect((aps["alert"] as? [String: String])?["title"] == "Order shipped")
            #expect(json["order"] as? Int == 7)
            #expect(json["collapse_id"] == nil)
        }
    }

    @Test("503 is retried; 410 Unregistered fails at once and suppresses the device", arguments: RedisLayout.allCases)
    func errors(layout: RedisLayout) async throws {
        let gone = String(repeating: "ee", count: 32)
        var options = HarnessOptions()
        options.faults[APNsRegistration.name] = { device, attempt in
            if device == gone { return .invalidRecipient }
            return attempt == 1 ? .serverError : nil
        }
        try await withHarness(options, on: layout) { h in
            let retried = try await h.sendPush(to: Self.device)
            try await h.waitForStatus(retried, "delivered")
            #expect(try await h.message(retried).attempts == 2)
            #expect(try await h.events(retried).contains { $0.detail.contains("ServiceUnavailable") })

            let failed = try await h.sendPush(to: gone)
            try await h.waitForStatus(failed, "failed")
            #expect(try await h.message(failed).fields["error"]?.contains("Unregistered") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/push/\(gone)").status == 200)
        }
    }

    @Test("a provider token signed with another key is refused as InvalidProviderToken, permanently")
    func wrongKey() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let configuration = APNsConfiguration(
                baseURL: h.apnsURL, teamID: APNsRegistration.sandboxTeamID, keyID: APNsRegistration.sandboxKeyID,
                privateKeyPEM: P256ForTests.otherKeyPEM, topic: APNsRegistration.sandboxTopic,
                trustRootsPEM: SimulatorTLS.certificatePEM)
            let client = try APNsProvider.makeClient(configuration: configuration)
            let provider = try APNsProvider(configuration: configuration, client: client)
            let outcome = await provider.send(.init(id: "push_1", channel: .push, to: Self.device, body: "x"))
            try await client.shutdown()
            guard case .permanent(let code, _) = outcome else {
                Issue.record("expected permanent, got \(outcome)")
                return
            }
            #expect(code == "InvalidProviderToken")
            #expect(h.ledger(APNsRegistration.name).requests == 0)
        }
    }
}


enum P256ForTests {
    static let otherKeyPEM = P256.Signing.PrivateKey().pemRepresentation
}
