import HeraldAdapters
import Foundation
import HeraldCore
import HeraldSimulators
import HeraldTesting
import Testing

/// DirectMail through a whole Herald on loopback: `HERALD_EMAIL_PROVIDERS`
/// names it, the dispatcher sends through its simulator, and each answer
/// ends the message as the retry policy says.
@Suite("DirectMail email")
struct DirectMailGatewayTests {
    static func options(_ faults: @escaping FaultRule = { _, _ in nil }) -> HarnessOptions {
        var options = HarnessOptions()
        options.settings["HERALD_EMAIL_PROVIDERS"] = DirectMailRegistration.name
        options.settings["HERALD_DIRECTMAIL_TAG_NAME"] = "herald-test"
        options.faults[DirectMailRegistration.name] = faults
        return options
    }

    /// The form a simulated send carried for `to`, by parameter name.
    static func sent(_ h: Harness, to: String) throws -> [String: String] {
        let body = try #require(h.ledger(DirectMailRegistration.name).lastPayload(to: to))
        return Dictionary(try #require(FormURLEncoding.decode(body)), uniquingKeysWith: { first, _ in first })
    }

    @Test("marketing mail goes out by signed SingleSendMail with one-click List-Unsubscribe in Headers, and is delivered on acceptance, as DirectMail posts no receipt", arguments: RedisLayout.allCases)
    func marketing(layout: RedisLayout) async throws {
        try await withHarness(Self.options(), on: layout) { h in
            let id = try await h.sendEmail(to: "alice@example.com", extra: #","category":"marketing""#)
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            #expect(message.fields["provider"] == "directmail")
            #expect(message.fields["provider_message_id"]?.isEmpty == false, "the EnvId is the provider id")
            let form = try Self.sent(h, to: "alice@example.com")
            #expect(form["Action"] == "SingleSendMail" && form["Version"] == "2015-11-23" && form["RegionId"] == "cn-hangzhou")
            #expect(form["AccountName"] == "herald@example.com" && form["AddressType"] == "1" && form["ReplyToAddress"] == "false")
            #expect(form["Subject"] == "Grüße aus Herald" && form["HtmlBody"] == "<p>Hello</p>")
            #expect(form["FromAlias"] == "Herald" && form["TagName"] == "herald-test")
            let json = try #require(form["Headers"])
            let headers = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
            #expect(headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            #expect(headers["List-Unsubscribe"] == "<" + h.unsubscribeLinks.url(channel: .email, recipient: "alice@example.com") + ">")

            #expect(try await !h.events(id).contains { $0.type.hasPrefix("receipt:") })
            #expect(h.ledger(DirectMailRegistration.name).accepted(to: "alice@example.com") == 1)
        }
    }

    @Test("transactional mail carries no Headers, and its text body goes as TextBody when there is no HTML")
    func transactional() async throws {
        try await withHarness(Self.options()) { h in
            let id = try await h.sendEmail(to: "bob@example.com")
            try await h.waitForStatus(id, "delivered")
            #expect(try Self.sent(h, to: "bob@example.com")["Headers"] == nil)

            let reply = try await h.api(
                .POST, "/v1/messages", json: #"{"channel":"email","to":"carol@example.com","content":{"subject":"Plain","body":"Just text"}}"#)
            let plain = try #require(reply.json["id"] as? String)
            try await h.waitForStatus(plain, "delivered")
            let form = try Self.sent(h, to: "carol@example.com")
            #expect(form["TextBody"] == "Just text" && form["HtmlBody"] == nil)
        }
    }

    @Test("ServiceUnavailable is retried and the next attempt is accepted", arguments: RedisLayout.allCases)
    func serverErrorRetried(layout: RedisLayout) async throws {
        try await withHarness(Self.options { _, attempt in attempt == 1 ? .serverError : nil }, on: layout) { h in
            let id = try await h.sendEmail(to: "dave@example.com")
            try await h.waitForStatus(id, "delivered")
            #expect(try await h.message(id).attempts == 2)
            #expect(try await h.events(id).contains { $0.type == "retrying" && $0.detail.contains("ServiceUnavailable") })
        }
    }

    @Test("InvalidSendMail.Spam (frequency or quota) defers the message by at least a minute instead of failing it")
    func throttled() async throws {
        try await withHarness(Self.options { _, _ in .throttled(retryAfterSeconds: 1) }) { h in
            let id = try await h.sendEmail(to: "erin@example.com")
            try await h.waitForStatus(id, "retrying")
            let retry = try #require(try await h.events(id).first(where: { $0.type == "retrying" }))
            let next = try #require(try await h.message(id).fields["next_attempt_at"].flatMap { Int64($0) })
            #expect(next - retry.at >= 60_000)
            #expect(retry.detail.contains("InvalidSendMail.Spam"))
        }
    }

    @Test("InvalidToAddress.Spam fails at once and suppresses the address", arguments: RedisLayout.allCases)
    func invalidRecipient(layout: RedisLayout) async throws {
        try await withHarness(Self.options { _, _ in .invalidRecipient }, on: layout) { h in
            let id = try await h.sendEmail(to: "nobody@example.com")
            try await h.waitForStatus(id, "failed")
            #expect(try await h.message(id).attempts == 1)
            #expect(try await h.message(id).fields["error"]?.contains("InvalidToAddress.Spam") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/email/nobody@example.com").json["reason"] as? String
                == "invalid_recipient")
        }
    }

    @Test("an unknown sender address fails at once, naming HERALD_DIRECTMAIL_ACCOUNT_NAME, and suppresses no one")
    func unknownSender() async throws {
        try await withHarness(Self.options { _, _ in .badRequest }) { h in
            let id = try await h.sendEmail(to: "frank@example.com")
            try await h.waitForStatus(id, "failed")
            let error = try #require(try await h.message(id).fields["error"])
            #expect(error.contains("InvalidMailAddress.NotFound") && error.contains("HERALD_DIRECTMAIL_ACCOUNT_NAME"))
            #expect(try await h.api(.GET, "/v1/suppressions/email/frank@example.com").status == 404)
        }
    }
}
