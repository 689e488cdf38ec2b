import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("Delivery end to end")
struct DeliveryTests {
    @Test("an SMS goes queued → sent → delivered through the Twilio simulator", arguments: RedisLayout.allCases)
    func smsDelivered(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let id = try await h.sendSMS(to: "+14155550100", body: "your code is 1234")
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            #expect(message.fields["provider"] == "twilio")
            #expect(message.fields["provider_message_id"]?.hasPrefix("SM") == true)
            #expect(message.attempts == 1)
            #expect(h.ledger(TwilioRegistration.name).accepted(to: "+14155550100") == 1)
            let types = try await h.events(id).map(\.type)
            #expect(types.first == "queued")
            #expect(types.contains("sending"))
            #expect(types.contains("sent"))
            #expect(types.contains("receipt:delivered"))

            let reply = try await h.api(.GET, "/v1/messages/\(id)")
            #expect(reply.status == 200)
            #expect(reply.json["status"] as? String == "delivered")
            #expect(reply.json["provider_message_id"] as? String == message.fields["provider_message_id"])
            #expect((reply.json["events"] as? [[String: Any]])?.count == types.count)
            let sent = (reply.json["events"] as? [[String: Any]])?.first { $0["type"] as? String == "sent" }
            let sid = try #require(message.fields["provider_message_id"])
            #expect(sent?["detail"] as? String == "accepted by twilio as \(sid)")
            // Twilio's receipts name the message (herald_id in the callback URL): no
            // provider-id key is kept for it, and the receipt still landed.
            let keys = try #require(ChannelKeys(messageID: id))
            #expect(try await h.redis.send(["EXISTS", keys.providerMessage("twilio", sid)]).integer == 0)
        }
    }

    @Test("a message stored before payloads, a hash field per request field, is still sent and reads back the same")
    func legacyLayout() async throws {
        try await withHarness { h in
            let id = MessageID.make(channel: .sms, nowMillis: WallClock.nowMillis())
            let keys = ChannelKeys(.sms)
            let now = String(WallClock.nowMillis())
            _ = try await h.redis.pipeline([
                ["HSET", keys.message(id), "id", id, "status", "queued", "attempts", "0", "created_at", now,
                 "events", #"{"at":\#(now),"type":"queued","detail":""}"# + "\n", "channel", "sms", "to", "+14155550177",
                 "body", "from before", "category", "marketing", "priority", "normal", "campaign", "old"],
                ["EXPIRE", keys.message(id), "600"],
                ["XADD", keys.stream(.normal), "*", "id", id],
            ])
            try await h.waitForStatus(id, "delivered")
            #expect(h.ledger(TwilioRegistration.name).accepted(to: "+14155550177") == 1)
            let view = try await h.api(.GET, "/v1/messages/\(id)")
            #expect(view.json["to"] as? String == "+14155550177")
            #expect(view.json["category"] as? String == "marketing")
            #expect(view.json["campaign"] as? String == "old")
        }
    }

    @Test("a webhook is POSTed with a valid Herald-Signature and is delivered on 2xx", arguments: RedisLayout.allCases)
    func webhookDelivered(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let reply = try await h.api(
                .POST, "/v1/messages",
                json: #"{"channel":"webhook","to":"\#(h.simulatorURL)/hooks/orders","content":{"body":"order shipped"},"data":{"order":42}}"#)
            #expect(reply.status == 202)
            let id = try #require(reply.json["id"] as? String)
            try await h.waitForStatus(id, "delivered")
            #expect(h.ledger(WebhookRegistration.name).accepted(to: "hooks/orders") == 1)
        }
    }

    @Test("a webhook endpoint that answers 410 fails the message as an invalid recipient")
    func webhookGone() async throws {
        var options = HarnessOptions()
        options.faults[WebhookRegistration.name] = { _, _ in .invalidRecipient }
        try await withHarness(options) { h in
            let reply = try await h.api(
                .POST, "/v1/messages",
                json: #"{"channel":"webhook","to":"\#(h.simulatorURL)/hooks/gone","content":{"body":"x"}}"#)
            let id = try #require(reply.json["id"] as? String)
            try await h.waitForStatus(id, "failed")
            #expect(try await h.message(id).fields["error"]?.hasPrefix("invalid_recipient") == true)
        }
    }

    @Test("a message with send_at waits as scheduled, then is sent", arguments: RedisLayout.allCases)
    func scheduled(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            // Far enough ahead that a loaded machine still reads it scheduled.
            let sendAt = Date().addingTimeInterval(12).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let reply = try await h.api(
                .POST, "/v1/messages",
                json: #"{"channel":"sms","to":"+14155550101","content":{"body":"later"},"send_at":"\#(sendAt)"}"#)
            #expect(reply.status == 202)
            #expect(reply.json["status"] as? String == "scheduled")
            let id = try #require(reply.json["id"] as? String)
            #expect(try await h.status(id) == "scheduled")
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            let sendAtMillis = try #require(message.fields["send_at"].flatMap(Int64.init))
            let sendingAt = try #require(message.fields["sending_at"].flatMap(Int64.init))
            #expect(sendingAt >= sendAtMillis)
        }
    }

    @Test("a queued message past its expires_at is expired, not sent", arguments: RedisLayout.allCases)
    func expired(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options, on: layout) { h in
            // Far enough ahead that a loaded machine still accepts it; the dispatcher starts only after it passed.
            let expiresAt = Date().addingTimeInterval(8).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let id = try await h.sendSMS(to: "+14155550102", extra: #","expires_at":"\#(expiresAt)""#)
            let expiry = try #require(try await h.message(id).fields["expires_at"].flatMap(Int64.init))
            try await eventually("expires_at has passed", timeout: .seconds(30)) { WallClock.nowMillis() > expiry }
            h.startDispatcher(consumer: "late-worker")
            try await h.waitForStatus(id, "expired")
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550102") == 0)
        }
    }
}
