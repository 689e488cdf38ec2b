import Foundation
import HeraldCore
import HeraldSimulators
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("Suppressions")
struct SuppressionTests {
    @Test("a recipient a provider calls invalid is suppressed: the next send is `suppressed` with no provider call", arguments: RedisLayout.allCases)
    func invalidRecipientSuppressed(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { to, _ in to == "+14155550140" ? .invalidRecipient : nil }
        try await withHarness(options, on: layout) { h in
            let first = try await h.sendSMS(to: "+14155550140")
            try await h.waitForStatus(first, "failed")
            let entry = try await h.api(.GET, "/v1/suppressions/sms/+14155550140")
            #expect(entry.status == 200)
            #expect(entry.json["reason"] as? String == "invalid_recipient")

            let second = try await h.sendSMS(to: "+14155550140")
            try await h.waitForStatus(second, "suppressed")
            #expect(try await h.message(second).fields["suppressed_reason"] == "invalid_recipient")
            #expect(try await h.message(second).attempts == 0)
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550140") == 1)
            try await eventually("the skip is counted") {
                String(decoding: h.metrics.render(), as: UTF8.self)
                    .contains(#"herald_messages_skipped_total{channel="sms",reason="suppressed"} 1"#)
            }
        }
    }

    @Test("a recipient who opted out (Twilio 21610) ends `suppressed`, not failed, and stays suppressed", arguments: RedisLayout.allCases)
    func optedOut(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { _, _ in .optedOut }
        try await withHarness(options, on: layout) { h in
            let id = try await h.sendSMS(to: "+14155550141")
            try await h.waitForStatus(id, "suppressed")
            let message = try await h.message(id)
            #expect(message.fields["suppressed_reason"] == "unsubscribed")
            #expect(message.fields["error"]?.contains("21610") == true)
            #expect(try await h.redis.send(["XLEN", "herald:{sms}:dead"]).integer == 0)
            let entry = try await h.api(.GET, "/v1/suppressions/sms/%2B14155550141")
            #expect(entry.json["reason"] as? String == "unsubscribed")
        }
    }

    @Test("a marketing-only suppression blocks marketing, lets transactional through, and can be lifted", arguments: RedisLayout.allCases)
    func marketingScope(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let put = try await h.api(
                .PUT, "/v1/suppressions/sms/+14155550142", json: #"{"reason":"unsubscribed","category":"marketing"}"#)
            #expect(put.status == 201, "\(put.body)")
            #expect(try await h.api(.PUT, "/v1/suppressions/sms/+14155550142",
                                    json: #"{"reason":"unsubscribed","category":"marketing"}"#).status == 200)

            let marketing = try await h.sendSMS(to: "+14155550142", extra: #","category":"marketing""#)
            try await h.waitForStatus(marketing, "suppressed")
            let transactional = try await h.sendSMS(to: "+14155550142")
            try await h.waitForStatus(transactional, "delivered")
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550142") == 1)

            #expect(try await h.api(.DELETE, "/v1/suppressions/sms/+14155550142").status == 204)
            #expect(try await h.api(.GET, "/v1/suppressions/sms/+14155550142").status == 404)
            let again = try await h.sendSMS(to: "+14155550142", extra: #","category":"marketing""#)
            try await h.waitForStatus(again, "delivered")
        }
    }

    @Test("the suppressions API refuses unknown channels, malformed recipients and bad reasons")
    func badInput() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let before = try await h.keySnapshot()
            #expect(try await h.api(.PUT, "/v1/suppressions/fax/+14155550143").status == 404)
            let badNumber = try await h.api(.PUT, "/v1/suppressions/sms/0800-CALL-ME")
            #expect(badNumber.status == 422)
            #expect(badNumber.body.contains("E.164"))
            #expect(try await h.api(.PUT, "/v1/suppressions/email/not-an-address").status == 422)
            let badReason = try await h.api(.PUT, "/v1/suppressions/sms/+14155550143", json: #"{"reason":"bored"}"#)
            #expect(badReason.status == 422)
            #expect(badReason.json["error"].flatMap { ($0 as? [String: Any])?["field"] as? String } == "reason")
            #expect(try await h.api(.PUT, "/v1/suppressions/sms/+14155550143", json: #"{"reason":1}"#).status == 422)
            #expect(try await h.request(.PUT, h.apiURL + "/v1/suppressions/sms/+14155550143").status == 401)
            #expect(try await h.keySnapshot() == before)
        }
    }

    @Test("a user suppressed by user_id is suppressed on every channel for that category, and can be lifted", arguments: RedisLayout.allCases)
    func byUserID(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let put = try await h.api(.PUT, "/v1/suppressions/users/u-9", json: #"{"reason":"unsubscribed","category":"marketing"}"#)
            #expect(put.status == 201, "\(put.body)")
            #expect(put.json["user_id"] as? String == "u-9")
            #expect(try await h.api(.GET, "/v1/suppressions/users/u-9").json["category"] as? String == "marketing")
            let marketing = #","category":"marketing","user_id":"u-9""#
            let sms = try await h.sendSMS(to: "+14155550170", extra: marketing)
            let email = try await h.sendEmail(to: "u9@example.com", extra: marketing)
            let otp = try await h.sendSMS(to: "+14155550170", extra: #","user_id":"u-9""#)
            let stranger = try await h.sendSMS(to: "+14155550170", extra: #","category":"marketing","user_id":"u-10""#)
            try await h.waitForStatus(sms, "suppressed")
            try await h.waitForStatus(email, "suppressed")
            try await h.waitForStatus(otp, "delivered")
            try await h.waitForStatus(stranger, "delivered")
            #expect(h.ledger(TwilioRegistration.name).accepted(to: "+14155550170") == 2, "only the transactional and the other user's went out")

            #expect(try await h.api(.DELETE, "/v1/suppressions/users/u-9").status == 204)
            #expect(try await h.api(.GET, "/v1/suppressions/users/u-9").status == 404)
            let after = try await h.sendSMS(to: "+14155550170", extra: marketing)
            try await h.waitForStatus(after, "delivered")
            #expect(try await h.api(.PUT, "/v1/suppressions/users/" + String(repeating: "x", count: 200)).status == 422)
        }
    }
}
