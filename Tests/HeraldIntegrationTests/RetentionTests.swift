import Foundation
import HeraldCore
import HeraldDispatch
import HeraldRedis
import HeraldTesting
import HeraldAdapters
import Testing

/// Redis must not grow without bound: every key Herald writes expires, except
/// the documented long-lived kinds, and a message's history is capped.
@Suite("Retention")
struct RetentionTests {
    /// The kinds of key that live on by design (docs/ARCHITECTURE.md, "What expires"):
    /// streams hold only unfinished work, suppressions are meant to last, the
    /// delayed set holds only ids of messages still waiting, templates are
    /// kept until deleted, and the fingerprint key keys the suppressions.
    static func isDocumentedLongLived(_ key: String) -> Bool {
        key.contains(":q:") || key.hasSuffix(":dead") || key.hasSuffix(":suppressed") || key.hasSuffix(":suppressed_users")
            || key.hasSuffix(":delayed") || key.hasPrefix("herald:{tpl}:") || key == "herald:fingerprint_key"
            || key == PartitionLayout.key || key == CampaignKeys.ids || key == CampaignKeys.active
            // Status events: outboxes are trimmed streams; subscriptions are configuration (ARCHITECTURE.md).
            || key.hasSuffix(":outbox") || key == EventKeys.subscriptions || key == EventKeys.subscriptionsVersion
    }

    @Test("after a mixed run, every key has a TTL except streams, suppressions and delayed sets; a message left at sent expires too")
    func everyKeyExpires() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = ["sent"]
        try await withHarness(options) { h in
            let sms = try await h.sendSMS(to: "+14155550130", extra: #","idempotency_key":"order-1""#)
            let email = try await h.sendEmail(to: "bob@example.com")
            let push = try await h.sendPush(to: String(repeating: "ab", count: 32))
            let wechat = try await h.sendWeChat(to: "oWeChatOpenID0000000000000002")
            let later = try await h.sendSMS(to: "+14155550131", extra: #","send_at":"2099-01-01T00:00:00Z""#)
            _ = try await InboundTests.postInbound(h, from: "+14155550132", body: "STOP")
            #expect(try await h.api(.PUT, "/v1/templates/t", json: #"{"channel":"sms","body":"See {{u}}","shorten_links":true}"#).status == 201)
            let templated = try await h.api(.POST, "/v1/messages", json:
                #"{"channel":"sms","to":"+14155550133","template":"t","data":{"u":"https://example.com/x"},"campaign":"c-r"}"#)
            let templatedID = try #require(templated.json["id"] as? String)
            try await h.waitForStatus(templatedID, "sent")
            let link = try LinkTests.shortURL(in: try #require(h.ledger(TwilioRegistration.name).lastPayload(to: "+14155550133")), base: h.apiURL)
            #expect(try await h.request(.GET, link, headers: [("User-Agent", LinkTests.iphone)]).status == 302)
            try await eventually("the click is recorded") { try await h.message(templatedID).fields["clicked_at"] != nil }
            try await h.waitForStatus(sms, "sent")
            for id in [email, push, wechat] { try await h.waitForStatus(id, "delivered") }

            var cursor = "0"
            var unexpired: [String] = []
            var messageTTLs: [String: Int] = [:]
            repeat {
                let page = try await h.redis.send(["SCAN", cursor, "COUNT", "1000"]).orThrow().array
                cursor = page[0].string ?? "0"
                for key in page[1].array.compactMap(\.string) {
                    let ttl = try await h.redis.send(["TTL", key]).orThrow().integer ?? -2
                    if key.contains(":m:") { messageTTLs[key] = ttl }
                    if ttl == -1, !Self.isDocumentedLongLived(key) { unexpired.append(key) }
                }
            } while cursor != "0"
            #expect(unexpired.isEmpty, "keys without a TTL: \(unexpired)")
            #expect(messageTTLs.count == 6)
            #expect(messageTTLs.values.allSatisfy { $0 > 0 })
            let scheduledTTL = try #require(messageTTLs[ChannelKeys(.sms).message(later)])
            #expect(scheduledTTL > 7 * 86_400, "a scheduled message lives until its send time plus the retention")
        }
    }

    @Test("every campaign key expires, running, completed or canceled, except the index of ids and the active set")
    func campaignKeysExpire() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = []
        try await withHarness(options) { h in
            try await h.createCampaign(#"{"id":"slow","channel":"sms","content":{"body":"x"},"pacing":{"rate_per_minute":60,"daily_cap":100}}"#)
            try await h.createCampaign(#"{"id":"done","channel":"sms","content":{"body":"x"}}"#)
            try await h.createCampaign(#"{"id":"gone","channel":"sms","content":{"body":"x"}}"#)
            try await h.createCampaign(#"{"id":"draft","channel":"sms","content":{"body":"x"}}"#)
            for (id, from) in [("slow", 0), ("done", 10), ("gone", 20), ("draft", 30)] {
                _ = try await h.addRecipientsCSV(id, campaignCSV(campaignNumbers(5, from: 7_000 + from)))
            }
            #expect(try await h.campaignAction("slow", "start").status == 200)
            #expect(try await h.campaignAction("done", "start").status == 200)
            #expect(try await h.campaignAction("gone", "cancel").status == 200)
            try await h.waitForCampaign("done", "completed")
            try await eventually("the slow campaign is under way") { try await h.campaignCount("slow", "sent") >= 1 }
            let keys = try await h.redis.send(["KEYS", CampaignKeys.prefix + "*"]).orThrow().array.compactMap(\.string)
            #expect(keys.contains { $0.hasPrefix(CampaignKeys.prefix + "p:slow:") }, "a pending list exists: \(keys)")
            #expect(keys.contains { $0.hasPrefix(CampaignKeys.prefix + "day:slow:") }, "the daily counter exists: \(keys)")
            #expect(!keys.contains { $0.hasPrefix(CampaignKeys.prefix + "d:done:") }, "a completed campaign's dedup sets are gone")
            var unexpired: [String] = []
            for key in keys where !Self.isDocumentedLongLived(key) {
                if try await h.redis.send(["TTL", key]).orThrow().integer == -1 { unexpired.append(key) }
            }
            #expect(unexpired.isEmpty, "campaign keys without a TTL: \(unexpired)")
        }
    }

    @Test("a message keeps at most 64 events; the oldest after queued are dropped and counted")
    func boundedEvents() async throws {
        try await withHarness { h in
            let id = try await h.sendEmail(to: "carol@example.com")
            try await h.waitForStatus(id, "delivered")
            let before = try await h.events(id).count
            let stamp = Int64(Date().timeIntervalSince1970)
            let opens = (0..<100).map { index in
                SendGridEvent(email: "carol@example.com", timestamp: stamp, event: "open", sgEventID: "open-\(index)",
                              sgMessageID: nil, heraldID: id)
            }
            #expect(try await h.postSendGridEvents(opens).status == 200)
            let events = try await h.events(id)
            #expect(events.count == 64)
            #expect(events.first?.type == "queued")
            #expect(events.last?.type == "receipt:opened")
            let dropped = before + 100 - 64
            #expect(try await h.message(id).fields["events_dropped"] == String(dropped))
            let view = try await h.api(.GET, "/v1/messages/\(id)")
            #expect(view.json["events_dropped"] as? Int == dropped)
        }
    }

    @Test("a refresh lock is released only by the instance that holds it")
    func lockOwnership() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let store = RedisTokenStore(redis: h.redis)
            #expect(try await store.lock("herald:{token}:lock", owner: "a", ttlMillis: 10_000))
            #expect(try await store.lock("herald:{token}:lock", owner: "b", ttlMillis: 10_000) == false)
            try await store.unlock("herald:{token}:lock", owner: "b")
            #expect(try await h.redis.send(["GET", "herald:{token}:lock"]).string == "a")
            try await store.unlock("herald:{token}:lock", owner: "a")
            #expect(try await h.redis.send(["EXISTS", "herald:{token}:lock"]).integer == 0)
        }
    }
}
