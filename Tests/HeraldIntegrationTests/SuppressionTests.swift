import Foundation
import HeraldCore
import HeraldSimulators
import NIOHTTP1
import Testing

@Suite("Suppressions")
struct SuppressionTests {
    @Test("a recipient a provider calls invalid is suppressed: the next send is `suppressed` with no provider call")
    func invalidRecipientSuppressed() async throws {
        var options = HarnessOptions()
        options.faults = { to, _ in to == "+14155550140" ? .invalidRecipient : nil }
        try await withHarness(options) { h in
            let first = try await h.sendSMS(to: "+14155550140")
            try await h.waitForStatus(first, "failed")
            let entry = try await h.api(.GET, "/v1/suppressions/sms/+14155550140")
            #expect(entry.status == 200)
            #expect(entry.json["reason"] as? String == "invalid_recipient")

            let second = try await h.sendSMS(to: "+14155550140")
            try await h.waitForStatus(second, "suppressed")
            #expect(try await h.message(second).fields["suppressed_reason"] == "invalid_recipient")
            #expect(try await h.message(second).attempts == 0)
            #expect(h.twilioLedger.requests(to: "+14155550140") == 1)
            try await eventually("the skip is counted") {
                String(decoding: h.metrics.render(), as: UTF8.self)
                    .contains(#"herald_messages_skipped_total{channel="sms",reason="suppressed"} 1"#)
            }
        }
    }

    @Test("a recipient who opted out (Twilio 21610) ends `suppressed`, not failed, and stays suppressed")
    func optedOut() async throws {
        var options = HarnessOptions()
        options.faults = { _, _ in .optedOut }
        try await withHarness(options) { h in
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

    @Test("a marketing-only suppression blocks marketing, lets transactional through, and can be lifted")
    func marketingScope() async throws {
        try await withHarness { h in
            let put = try await h.api(
                .PUT, "/v1/suppressions/sms/+14155550142", json: #"{"reason":"unsubscribed","category":"marketing"}"#)
            #expect(put.status == 201, "\(put.body)")
            #expect(try await h.api(.PUT, "/v1/suppressions/sms/+14155550142",
                                    json: #"{"reason":"unsubscribed","category":"marketing"}"#).status == 200)

            let marketing = try await h.sendSMS(to: "+14155550142", extra: #","category":"marketing""#)
            try await h.waitForStatus(marketing, "suppressed")
            let transactional = try await h.sendSMS(to: "+14155550142")
            try await h.waitForStatus(transactional, "delivered")
            #expect(h.twilioLedger.requests(to: "+14155550142") == 1)

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
}
