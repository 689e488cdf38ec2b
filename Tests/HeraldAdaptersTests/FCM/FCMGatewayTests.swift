import _CryptoExtras
import HeraldAdapters
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import Testing

@Suite("FCM push")
struct FCMTests {
    @Test("a push goes out with a minted OAuth2 token, reused for the next send, with notification and string data")
    func delivered() async throws {
        try await withHarness { h in
            let first = try await h.sendPush(to: "fcm-token-1", extra: #","data":{"order":123,"kind":"shipped"}"#)
            try await h.waitForStatus(first, "delivered")
            let second = try await h.sendPush(to: "fcm-token-2")
            try await h.waitForStatus(second, "delivered")
            #expect(h.simulator(FCMSimulator.self).tokensIssued == 1, "the access token is cached until it expires")
            let message = try await h.message(first)
            #expect(message.fields["provider"] == "fcm")
            #expect(message.fields["provider_message_id"]?.hasPrefix("projects/\(FCMRegistration.sandboxProjectID)/messages/") == true)
            let payload = try #require(h.ledger(FCMRegistration.name).lastPayload(to: "fcm-token-1"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            let body = try #require(json["message"] as? [String: Any])
            #expect((body["notification"] as? [String: String])?["title"] == "Order shipped")
            #expect(body["data"] as? [String: String] == ["order": "123", "kind": "shipped"])
        }
    }

    @Test("UNAVAILABLE is retried; UNREGISTERED and a malformed token fail at once and suppress the token")
    func errors() async throws {
        var options = HarnessOptions()
        options.faults[FCMRegistration.name] = { token, attempt in
            if token == "fcm-gone" { return .invalidRecipient }
            return attempt == 1 ? .serverError : nil
        }
        try await withHarness(options) { h in
            let retried = try await h.sendPush(to: "fcm-flaky")
            try await h.waitForStatus(retried, "delivered")
            #expect(try await h.message(retried).attempts == 2)
            #expect(try await h.events(retried).contains { $0.detail.contains("UNAVAILABLE") })

            let gone = try await h.sendPush(to: "fcm-gone")
            try await h.waitForStatus(gone, "failed")
            #expect(try await h.message(gone).fields["error"]?.contains("UNREGISTERED") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/push/fcm-gone").status == 200)

            let malformed = try await h.sendPush(to: "fcm-bad-token")
            try await h.waitForStatus(malformed, "failed")
            #expect(try await h.message(malformed).fields["error"]?.contains("INVALID_ARGUMENT") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/push/fcm-bad-token").status == 200)
        }
    }

    @Test("an assertion signed with the wrong key gets no token, and the send is retried rather than lost")
    func wrongKey() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let account = FCMServiceAccount(
                projectID: FCMRegistration.sandboxProjectID, privateKeyID: "key-1", privateKey: stranger.pkcs8PEMRepresentation,
                clientEmail: FCMRegistration.sandboxClientEmail, tokenURI: h.simulatorURL + "/token")
            let provider = try FCMProvider(account: account, baseURL: h.simulatorURL, client: h.providerClient)
            let outcome = await provider.send(OutboundMessage(id: "push_1", channel: .push, to: "fcm-token-3", body: "x"))
            guard case .retryable(let code, let message, _) = outcome else {
                Issue.record("expected retryable, got \(outcome)")
                return
            }
            #expect(code == "token")
            #expect(message.contains("400"))
            #expect(h.simulator(FCMSimulator.self).tokensIssued == 0)
            #expect(h.ledger(FCMRegistration.name).requests == 0)
        }
    }
}
