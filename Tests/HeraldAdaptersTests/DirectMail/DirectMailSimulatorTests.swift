import HeraldAdapters
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import Testing

/// The sender's mapping of each DirectMail answer, and the doctor's
/// DescAccountSummary check, against the simulator speaking DirectMail's wire
/// format: sent directly, so each outcome is seen as the adapter gives it.
@Suite("DirectMail against its simulator")
struct DirectMailSimulatorTests {
    static func options() -> HarnessOptions {
        var options = HarnessOptions(startDispatcher: false)
        options.settings["HERALD_EMAIL_PROVIDERS"] = DirectMailRegistration.name
        options.faults[DirectMailRegistration.name] = { to, _ in
            switch to {
            case "spam-trap@example.com": .invalidRecipient
            case "busy@example.com": .throttled(retryAfterSeconds: 1)
            case "down@example.com": .serverError
            case "sender@example.com": .badRequest
            default: nil
            }
        }
        return options
    }

    /// A sender of the simulated account, with the sandbox secret unless told otherwise.
    static func provider(_ h: Harness, keyID: String = DirectMailRegistration.sandboxAccessKeyID,
                         secret: String = Harness.secret(DirectMailRegistration.self, "access_key_secret"),
                         alias: String? = nil) -> DirectMailProvider
    {
        DirectMailProvider(
            configuration: DirectMailConfiguration(
                endpoint: h.simulatorURL + DirectMailSimulator.path, accessKeyID: keyID, accessKeySecret: secret,
                accountName: "news@herald.test", fromAlias: alias),
            client: h.providerClient)
    }

    static func mail(to: String, subject: String = "Hello") -> OutboundMessage {
        OutboundMessage(id: "email_01", channel: .email, to: to, body: "Hello", subject: subject)
    }

    @Test("each DirectMail answer maps to its outcome")
    func outcomes() async throws {
        try await withHarness(Self.options()) { h in
            let provider = Self.provider(h)
            guard case .accepted(let envID, .delivered) = await provider.send(Self.mail(to: "ok@example.com")) else {
                Issue.record("a valid send is accepted as delivered")
                return
            }
            #expect(!envID.isEmpty)
            #expect(await provider.send(Self.mail(to: "spam-trap@example.com"))
                == .invalidRecipient(code: "InvalidToAddress.Spam", message: "Sendmail rejected by invalid address."))
            #expect(await provider.send(Self.mail(to: "not-an-address"))
                == .invalidRecipient(code: "InvalidToAddress", message: "The specified toAddress is wrongly formed."))
            #expect(await provider.send(Self.mail(to: "busy@example.com"))
                == .throttled(code: "InvalidSendMail.Spam", message: "Sendmail rejected by spam filter.", retryAfterMillis: 60_000))
            #expect(await provider.send(Self.mail(to: "down@example.com")) == .retryable(
                code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server.",
                retryAfterMillis: nil))
            #expect(await provider.send(Self.mail(to: "ok@example.com", subject: String(repeating: "x", count: 101)))
                == .permanent(code: "InvalidSubject.Malformed", message: "The specified subject is wrongly formed."))
            let refusals: [(DirectMailProvider, String, String, String)] = [
                (provider, "sender@example.com", "InvalidMailAddress.NotFound", "HERALD_DIRECTMAIL_ACCOUNT_NAME"),
                (Self.provider(h, secret: "not-the-secret"), "ok@example.com", "Signature", "HERALD_DIRECTMAIL_ACCESS_KEY_SECRET"),
                (Self.provider(h, keyID: "LTAIunknown"), "ok@example.com", "InvalidAccessKeyId.NotFound", "HERALD_DIRECTMAIL_ACCESS_KEY_ID"),
                (Self.provider(h, alias: "Example Newsletter"), "ok@example.com", "InvalidFromAlias.Malformed", "HERALD_EMAIL_FROM_NAME"),
            ]
            for (sender, to, code, setting) in refusals {
                let outcome = await sender.send(Self.mail(to: to))
                guard case .permanent(code, let message) = outcome else {
                    Issue.record("\(code) is permanent, got \(outcome)")
                    continue
                }
                #expect(message.contains(setting), "\(code) names \(setting): \(message)")
            }
        }
    }

    @Test("the doctor's DescAccountSummary check: a normal account passes, a restricted one or a wrong secret fails, naming why")
    func credentialCheck() async throws {
        try await withHarness(Self.options()) { h in
            let requests = h.ledger(DirectMailRegistration.name).requests
            #expect(await Self.provider(h).checkCredentials()
                == .valid("directmail accepted the credentials; the account's UserStatus is 0 (normal)"))
            guard case .invalid(let refused) = await Self.provider(h, secret: "not-the-secret").checkCredentials() else {
                Issue.record("a wrong secret fails the check")
                return
            }
            #expect(refused.contains("Signature") && refused.contains("HERALD_DIRECTMAIL_ACCESS_KEY_SECRET"), "\(refused)")

            h.simulator(DirectMailSimulator.self).setUserStatus(2)
            guard case .invalid(let restricted) = await Self.provider(h).checkCredentials() else {
                Issue.record("an account in arrears fails the check")
                return
            }
            #expect(restricted.contains("UserStatus is 2 (in arrears)"), "\(restricted)")
            #expect(await Self.provider(h).send(Self.mail(to: "ok@example.com")).isRetryable, "its sends are refused meanwhile")
            #expect(h.ledger(DirectMailRegistration.name).accepted == 0)
            #expect(h.ledger(DirectMailRegistration.name).requests == requests + 1, "the checks sent nothing")
        }
    }

    @Test("herald doctor checks a configured DirectMail account by DescAccountSummary and sends nothing")
    func doctor() async throws {
        try await withHarness(Self.options()) { h in
            let run = try await HeraldProcess.run(["doctor"], environment: [
                "HERALD_API_KEYS": "k", "HERALD_REDIS_URL": h.redisServer.endpoint.description,
                "HERALD_DIRECTMAIL_ACCESS_KEY_ID": DirectMailRegistration.sandboxAccessKeyID,
                "HERALD_DIRECTMAIL_ACCESS_KEY_SECRET": Harness.secret(DirectMailRegistration.self, "access_key_secret"),
                "HERALD_DIRECTMAIL_ACCOUNT_NAME": "news@herald.test",
                "HERALD_DIRECTMAIL_ENDPOINT": h.simulatorURL + DirectMailSimulator.path,
                "HERALD_UNSUBSCRIBE_SECRET": "doctor-test-unsubscribe-secret",
            ])
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("ok    directmail directmail accepted the credentials"), "\(run.output)")
            #expect(!run.output.contains("FAIL  directmail") && !run.output.contains("receipt secret"), "\(run.output)")
            #expect(h.ledger(DirectMailRegistration.name).requests == 0, "doctor must not send")
        }
    }
}
