import Foundation
import HeraldCore
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("Inbound SMS")
struct InboundTests {
    /// Posts an incoming message as Twilio's webhook does, signed with `token`.
    static func postInbound(_ h: Harness, from: String, body: String, token: String = Harness.secret(TwilioRegistration.self, "auth_token")) async throws
        -> Harness.Reply
    {
        let url = h.apiURL + "/v1/inbound/twilio"
        let parameters = [("MessageSid", "SM" + String(repeating: "1", count: 32)), ("AccountSid", TwilioRegistration.sandboxAccountSID),
                          ("From", from), ("To", "+15550006666"), ("Body", body), ("NumMedia", "0")]
        return try await h.request(
            .POST, url, body: FormURLEncoding.encode(parameters),
            headers: [("Content-Type", "application/x-www-form-urlencoded"),
                      ("X-Twilio-Signature", TwilioSignature.compute(url: url, parameters: parameters, authToken: token))])
    }

    @Test("STOP (or 退订) suppresses the sender, START lifts it; other replies change nothing; forged posts are refused")
    func stopAndStart() async throws {
        try await withHarness { h in
            let stop = try await Self.postInbound(h, from: "+14155550195", body: " stop ")
            #expect(stop.status == 200)
            #expect(stop.body.contains("<Response>"))
            let entry = try await h.api(.GET, "/v1/suppressions/sms/+14155550195")
            #expect(entry.json["reason"] as? String == "unsubscribed")
            let id = try await h.sendSMS(to: "+14155550195")
            try await h.waitForStatus(id, "suppressed")

            #expect(try await Self.postInbound(h, from: "+14155550195", body: "START").status == 200)
            #expect(try await h.api(.GET, "/v1/suppressions/sms/+14155550195").status == 404)

            #expect(try await Self.postInbound(h, from: "+8613800138001", body: "退订").status == 200)
            #expect(try await h.api(.GET, "/v1/suppressions/sms/+8613800138001").status == 200)

            #expect(try await Self.postInbound(h, from: "+14155550196", body: "please stop by at 5").status == 200)
            #expect(try await h.api(.GET, "/v1/suppressions/sms/+14155550196").status == 404)

            #expect(try await Self.postInbound(h, from: "+14155550197", body: "STOP", token: "forged").status == 403)
            #expect(try await h.api(.GET, "/v1/suppressions/sms/+14155550197").status == 404)
            #expect(try await Self.postInbound(h, from: "not-a-number", body: "STOP").status == 400)
        }
    }

    @Test("START does not lift a suppression for an invalid number")
    func startKeepsInvalid() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let put = try await h.api(.PUT, "/v1/suppressions/sms/+14155550198", json: #"{"reason":"invalid_recipient"}"#)
            #expect(put.status == 201)
            let start = try await Self.postInbound(h, from: "+14155550198", body: "start")
            #expect(start.status == 200)
            let entry = try await h.api(.GET, "/v1/suppressions/sms/+14155550198")
            #expect(entry.status == 200)
        }
    }
}
