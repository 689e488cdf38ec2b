import Foundation
import HeraldCore
import HeraldSimulators
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("Provider receipts")
struct ReceiptTests {
    /// Posts a Twilio StatusCallback signed with `token`.
    /// Posts a status callback as Twilio does for a message Herald sent: to
    /// the StatusCallback URL Herald gave, which names the message (`herald_id`).
    static func postCallback(_ h: Harness, id: String, sid: String, status: String,
                             token: String = Harness.secret(TwilioRegistration.self, "auth_token"),
                             signature: String? = nil) async throws -> Harness.Reply
    {
        let url = h.apiURL + "/v1/receipts/twilio?herald_id=" + id
        let parameters = [("MessageSid", sid), ("MessageStatus", status), ("AccountSid", TwilioRegistration.sandboxAccountSID),
                          ("To", "+14155550130"), ("ApiVersion", "2010-04-01")]
        let computed = TwilioSignature.compute(url: url, parameters: parameters, authToken: token)
        return try await h.request(
            .POST, url, body: FormURLEncoding.encode(parameters),
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature ?? computed)])
    }

    @Test("a receipt posted before the send reply is recorded still lands", arguments: RedisLayout.allCases)
    func receiptBeforeReply(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.callbackBeforeReply = true
        options.callbackStatuses = ["delivered"]
        try await withHarness(options, on: layout) { h in
            let id = try await h.sendSMS(to: "+14155550131")
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            let events = message.eventLines.joined(separator: "\n")
            #expect(events.contains("receipt:delivered"))
            #expect(h.ledger(TwilioRegistration.name).callbacksSent == 1)
        }
    }

    @Test("out-of-order and repeated receipts keep the furthest status and count once", arguments: RedisLayout.allCases)
    func outOfOrder(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.callbackStatuses = []
        try await withHarness(options, on: layout) { h in
            let id = try await h.sendSMS(to: "+14155550132")
            try await h.waitForStatus(id, "sent")
            let sid = try #require(try await h.message(id).fields["provider_message_id"])

            #expect(try await Self.postCallback(h, id: id, sid: sid, status: "delivered").status == 200)
            #expect(try await h.status(id) == "delivered")
            #expect(try await Self.postCallback(h, id: id, sid: sid, status: "sent").status == 200)
            #expect(try await Self.postCallback(h, id: id, sid: sid, status: "delivered").status == 200)
            #expect(try await Self.postCallback(h, id: id, sid: sid, status: "undelivered").status == 200)
            let message = try await h.message(id)
            #expect(message.fields["status"] == "delivered")
            let receiptEvents = message.eventLines.filter { $0.contains("receipt:") }
            #expect(receiptEvents.count == 3, "delivered, then late sent and undelivered recorded once each: \(receiptEvents)")
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_receipts_total{provider="twilio",result="applied"} 1"#))
            #expect(metrics.contains(#"herald_receipts_total{provider="twilio",result="duplicate"} 1"#))
        }
    }

    @Test("forged, unsigned and malformed receipts are refused and change nothing")
    func forged() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = []
        try await withHarness(options) { h in
            let id = try await h.sendSMS(to: "+14155550133")
            try await h.waitForStatus(id, "sent")
            let sid = try #require(try await h.message(id).fields["provider_message_id"])
            let before = try await h.message(id)

            let forged = try await Self.postCallback(h, id: id, sid: sid, status: "delivered", token: "not-the-token")
            #expect(forged.status == 403)
            let url = h.apiURL + "/v1/receipts/twilio"
            let unsigned = try await h.request(
                .POST, url, body: "MessageSid=\(sid)&MessageStatus=delivered",
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(unsigned.status == 401)
            let malformed = try await Self.postCallback(h, id: id, sid: "SM%%bad", status: "delivered")
            #expect(malformed.status == 400 || malformed.status == 403)
            let unknownStatus = try await Self.postCallback(h, id: id, sid: sid, status: "teleported")
            #expect(unknownStatus.status == 400)
            #expect(try await h.message(id) == before)
        }
    }
}
