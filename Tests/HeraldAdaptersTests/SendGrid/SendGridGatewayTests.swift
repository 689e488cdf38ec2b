import Crypto
import Foundation
import HeraldCore
import HeraldSimulators
import HeraldTesting
import NIOHTTP1
import HeraldAdapters
import Testing

@Suite("SendGrid email")
struct SendGridTests {
    @Test("marketing mail goes out as v3 JSON with text and HTML, herald_id and one-click List-Unsubscribe, and is delivered")
    func delivered() async throws {
        try await withHarness { h in
            let id = try await h.sendEmail(to: "alice@example.com", extra: #","category":"marketing""#)
            try await h.waitForStatus(id, "delivered")
            #expect(try await h.message(id).fields["provider"] == "sendgrid")
            let payload = try #require(h.ledger(SendGridRegistration.name).lastPayload(to: "alice@example.com"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            let personalization = try #require((json["personalizations"] as? [[String: Any]])?.first)
            #expect((personalization["custom_args"] as? [String: String])?["herald_id"] == id)
            let content = try #require(json["content"] as? [[String: String]])
            #expect(content.map { $0["type"] } == ["text/plain", "text/html"])
            #expect(json["subject"] as? String == "Grüße aus Herald")
            let headers = try #require(json["headers"] as? [String: String])
            #expect(headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            let link = try #require(headers["List-Unsubscribe"])
            #expect(link == "<" + h.unsubscribeLinks.url(channel: .email, recipient: "alice@example.com") + ">")
        }
    }

    @Test("events posted before SendGrid's reply is recorded are kept and applied; the provider is still recorded", arguments: RedisLayout.allCases)
    func eventsBeforeReply(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.callbackBeforeReply = true
        try await withHarness(options, on: layout) { h in
            let delivered = try await h.sendEmail(to: "early@example.com")
            try await h.waitForStatus(delivered, "delivered")
            let message = try await h.message(delivered)
            #expect(message.fields["provider"] == "sendgrid")
            #expect(message.fields["provider_message_id"]?.isEmpty == false)

            let bounced = try await h.sendEmail(to: "bounce-early@example.com")
            try await h.waitForStatus(bounced, "undelivered")
            #expect(try await h.message(bounced).fields["provider"] == "sendgrid")
            // The suppression lives in the channel's slot, written just after the receipt's transition.
            try await eventually("a bounce kept as early still suppresses") {
                try await h.api(.GET, "/v1/suppressions/email/bounce-early@example.com").status == 200
            }
        }
    }

    @Test("transactional mail carries no List-Unsubscribe")
    func transactionalHasNoUnsubscribe() async throws {
        try await withHarness { h in
            let id = try await h.sendEmail(to: "bob@example.com")
            try await h.waitForStatus(id, "delivered")
            let payload = try #require(h.ledger(SendGridRegistration.name).lastPayload(to: "bob@example.com"))
            #expect(!payload.contains("List-Unsubscribe"))
        }
    }

    @Test("a 500 from SendGrid is retried; an invalid address fails at once and is suppressed", arguments: RedisLayout.allCases)
    func errors(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[SendGridRegistration.name] = { to, attempt in
            if to == "nobody@example.com" { return .invalidRecipient }
            return attempt == 1 ? .serverError : nil
        }
        try await withHarness(options, on: layout) { h in
            let retried = try await h.sendEmail(to: "carol@example.com")
            try await h.waitForStatus(retried, "delivered")
            #expect(try await h.message(retried).attempts == 2)

            let invalid = try await h.sendEmail(to: "nobody@example.com")
            try await h.waitForStatus(invalid, "failed")
            #expect(try await h.message(invalid).attempts == 1)
            #expect(try await h.api(.GET, "/v1/suppressions/email/nobody@example.com").status == 200)
        }
    }

    @Test("a hard bounce event marks the message undelivered and suppresses the address", arguments: RedisLayout.allCases)
    func bounce(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let id = try await h.sendEmail(to: "bounce-me@example.com")
            try await h.waitForStatus(id, "undelivered")
            #expect(try await h.events(id).contains { $0.type == "receipt:undelivered" && $0.detail.contains("5.1.1") })
            // The suppression lives in the channel's slot, written just after the receipt's transition.
            try await eventually("the bounce suppresses the address as an invalid recipient") {
                try await h.api(.GET, "/v1/suppressions/email/bounce-me@example.com").json["reason"] as? String
                    == "invalid_recipient"
            }
            let next = try await h.sendEmail(to: "bounce-me@example.com")
            try await h.waitForStatus(next, "suppressed")
            #expect(h.ledger(SendGridRegistration.name).requests(to: "bounce-me@example.com") == 1)
        }
    }

    @Test("forged, stale, unsigned or malformed event posts are refused; signed ones are applied once")
    func forgedEvents() async throws {
        var options = HarnessOptions()
        options.callbackDelay = .seconds(3_600)
        try await withHarness(options) { h in
            let id = try await h.sendEmail(to: "dave@example.com", extra: #","category":"marketing""#)
            try await h.waitForStatus(id, "sent")
            let unsubscribe = SendGridEvent(
                email: "dave@example.com", timestamp: Int64(Date().timeIntervalSince1970), event: "unsubscribe",
                sgEventID: "evt-1", sgMessageID: nil, heraldID: id)
            let delivered = SendGridEvent(
                email: "dave@example.com", timestamp: Int64(Date().timeIntervalSince1970), event: "delivered",
                sgEventID: "evt-2", sgMessageID: nil, heraldID: id)

            let forger = P256.Signing.PrivateKey()
            #expect(try await h.postSendGridEvents([delivered], key: forger).status == 403)
            let stale = Int64(Date().timeIntervalSince1970) - 3_600
            #expect(try await h.postSendGridEvents([delivered], timestamp: stale).status == 403)
            let unsigned = try await h.request(.POST, h.apiURL + "/v1/receipts/sendgrid", body: "[]")
            #expect(unsigned.status == 401)
            #expect(try await h.postSendGridEvents([], rawBody: #"{"event":"delivered"}"#).status == 400)
            #expect(try await h.status(id) == "sent")
            #expect(try await h.api(.GET, "/v1/suppressions/email/dave@example.com").status == 404)

            #expect(try await h.postSendGridEvents([delivered, unsubscribe]).status == 200)
            #expect(try await h.postSendGridEvents([delivered, unsubscribe]).status == 200)
            #expect(try await h.status(id) == "delivered")
            let events = try await h.events(id)
            #expect(events.filter { $0.type == "receipt:delivered" }.count == 1)
            #expect(events.filter { $0.type == "receipt:unsubscribed" }.count == 1)
            let entry = try await h.api(.GET, "/v1/suppressions/email/dave@example.com")
            #expect(entry.json["category"] as? String == "marketing")
        }
    }

    @Test("the one-click unsubscribe link suppresses marketing mail; a forged link is refused")
    func oneClickUnsubscribe() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let url = h.unsubscribeLinks.url(channel: .email, recipient: "erin@example.com")
            let page = try await h.request(.GET, url)
            #expect(page.status == 200)
            #expect(page.body.contains("<form method=\"post\""))
            #expect(try await h.api(.GET, "/v1/suppressions/email/erin@example.com").status == 404, "GET changes nothing")
            let posted = try await h.request(
                .POST, url, body: "List-Unsubscribe=One-Click",
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(posted.status == 200)
            let entry = try await h.api(.GET, "/v1/suppressions/email/erin@example.com")
            #expect(entry.json["reason"] as? String == "unsubscribed")
            #expect(entry.json["category"] as? String == "marketing")

            let forged = UnsubscribeLinks(baseURL: h.apiURL, secret: "someone-else").url(channel: .email, recipient: "frank@example.com")
            #expect(try await h.request(.POST, forged, body: "List-Unsubscribe=One-Click").status == 404)
            #expect(try await h.request(.POST, h.apiURL + "/u/garbage").status == 404)
        }
    }
}
