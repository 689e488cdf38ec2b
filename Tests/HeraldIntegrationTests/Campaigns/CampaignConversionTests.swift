import Foundation
import HeraldAdapters
import HeraldCore
import HeraldTesting
import Testing

/// A CSV of `users` (user id → number) under a `to,user_id` header.
func campaignCSV(users: [(user: String, to: String)]) -> String {
    "to,user_id\n" + users.map { "\($0.to),\($0.user)" }.joined(separator: "\n") + "\n"
}

@Suite("Campaign conversions")
struct CampaignConversionTests {
    static func conversion(_ h: Harness, _ fields: String, key: String) async throws -> Harness.Reply {
        try await h.api(.POST, "/v1/conversions", json: #"{"occurred_at":"\#(RFC3339.format(millis: WallClock.nowMillis()))","#
            + #""idempotency_key":"\#(key)",\#(fields)}"#)
    }

    /// Waits until the campaign's stats count `count` deliveries.
    static func waitForDeliveries(_ h: Harness, _ campaign: String, _ count: Int) async throws {
        try await eventually("\(campaign) has \(count) deliveries") {
            let totals = try await h.api(.GET, "/v1/stats?campaign=\(campaign)").json["totals"] as? [String: Any]
            return totals?["delivered"] as? Int == count
        }
    }

    @Test("conversions are attributed by message id, short link, person in a campaign and last touch, inside their window, once, the holdout included; stats and results agree")
    func attribution() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = ["sent", "delivered"]
        try await withHarness(options) { h in
            let users = (0..<40).map { (user: "u-\($0)", to: campaignNumbers(1, from: 9_000 + $0)[0]) }
            try await h.createCampaign(#"""
                {"id":"c1","channel":"sms","category":"transactional","holdout_percent":50,"content":{"body":"c1 offer"},
                 "conversion":{"events":["purchase"],"window":"P1D"}}
                """#)
            _ = try await h.addRecipientsCSV("c1", campaignCSV(users: users))
            #expect(try await h.campaignAction("c1", "start").status == 200)
            try await h.waitForCampaign("c1", "completed")
            let definition = try #require(try await h.campaignDefinition("c1"))
            let fingerprints = h.store.settings.fingerprints
            let held = users.filter { definition.group(of: fingerprints.person("u:" + $0.user, scope: "campaign:c1")) == .holdout }
            let treated = users.filter { user in !held.contains { $0.user == user.user } }
            #expect(!held.isEmpty && !treated.isEmpty)
            try await Self.waitForDeliveries(h, "c1", treated.count)
            let buyer = treated[0].user

            // By person within the campaign, with a value; a repeat of the key answers the same.
            let first = try await Self.conversion(h, #""event":"purchase","user_id":"\#(buyer)","campaign":"c1","value":19.99,"currency":"CNY""#, key: "k1")
            #expect(first.status == 202, "\(first.body)")
            #expect(first.json["reason"] as? String == "campaign_person" && first.json["counted"] as? Bool == true, "\(first.body)")
            let message = try #require(first.json["attributed_to"] as? String)
            #expect(try await h.message(message).fields["user_id"] == buyer)
            let replay = try await Self.conversion(h, #""event":"purchase","user_id":"\#(buyer)","campaign":"c1""#, key: "k1")
            #expect(replay.status == 200 && replay.json["replayed"] as? Bool == true && replay.json["attributed_to"] as? String == message)
            // The same event again, by message id: counted once per event, person and campaign.
            let again = try await Self.conversion(h, #""event":"purchase","message_id":"\#(message)""#, key: "k2")
            #expect(again.json["reason"] as? String == "duplicate" && again.json["counted"] as? Bool == false, "\(again.body)")
            // Events the campaign does not count, and a time before the message was delivered.
            let other = try await Self.conversion(h, #""event":"signup","message_id":"\#(message)""#, key: "k3")
            #expect(other.json["reason"] as? String == "event_not_counted", "\(other.body)")
            let early = try await h.api(.POST, "/v1/conversions", json:
                #"{"event":"purchase","occurred_at":"\#(RFC3339.format(millis: WallClock.nowMillis() - 3_600_000))","idempotency_key":"k4","message_id":"\#(message)"}"#)
            #expect(early.json["reason"] as? String == "outside_window", "\(early.body)")
            let history = try await h.events(message)
            #expect(history.filter { $0.type == "converted" }.map(\.detail) == ["purchase"])

            // A held-out person's conversion counts for the holdout, once.
            let holdout = try await Self.conversion(h, #""event":"purchase","user_id":"\#(held[0].user)","campaign":"c1""#, key: "k5")
            #expect(holdout.status == 202)
            #expect(holdout.json["reason"] as? String == "holdout" && holdout.json["counted"] as? Bool == true, "\(holdout.body)")
            #expect(holdout.json["attributed_to"] is NSNull && holdout.json["variant"] as? String == "holdout")
            let holdoutAgain = try await Self.conversion(h, #""event":"purchase","user_id":"\#(held[0].user)""#, key: "k6")
            #expect(holdoutAgain.json["reason"] as? String == "duplicate", "\(holdoutAgain.body)")

            // Last touch: a later campaign to the buyer takes a conversion naming only the person.
            try await h.createCampaign(#"{"id":"c2","channel":"sms","category":"transactional","content":{"body":"c2 news"}}"#)
            _ = try await h.addRecipientsCSV("c2", campaignCSV(users: [treated[0], treated[1]]))
            #expect(try await h.campaignAction("c2", "start").status == 200)
            try await h.waitForCampaign("c2", "completed")
            try await Self.waitForDeliveries(h, "c2", 2)
            let last = try await Self.conversion(h, #""event":"purchase","user_id":"\#(buyer)""#, key: "k7")
            #expect(last.json["reason"] as? String == "last_touch" && last.json["campaign"] as? String == "c2", "\(last.body)")
            #expect(last.json["attributed_to"] as? String != message)
            let signup = try await Self.conversion(h, #""event":"signup","user_id":"\#(buyer)""#, key: "k8")
            #expect(signup.json["campaign"] as? String == "c2" && signup.json["counted"] as? Bool == true, "\(signup.body)")
            let named = try await Self.conversion(h, #""event":"purchase","user_id":"\#(buyer)","campaign":"c1""#, key: "k9")
            #expect(named.json["reason"] as? String == "duplicate" && named.json["campaign"] as? String == "c1", "\(named.body)")

            // A short link's code finds its message, outside any campaign.
            let long = "https://shop.example.com/spring?utm_source=sms"
            let sent = try await h.api(.POST, "/v1/messages", json:
                #"{"channel":"sms","to":"+14155550177","content":{"body":"Sale: \#(long)"},"shorten_links":true}"#)
            let plain = try #require(sent.json["id"] as? String)
            try await h.waitForStatus(plain, "delivered")
            let body = try #require(h.ledger(TwilioRegistration.name).lastPayload(to: "+14155550177"))
            let code = String(try #require(body.split(separator: "/").last).prefix { $0.isLetter || $0.isNumber })
            let byLink = try await Self.conversion(h, #""event":"purchase","link_code":"\#(code)","value":5"#, key: "k10")
            #expect(byLink.json["reason"] as? String == "link_code" && byLink.json["attributed_to"] as? String == plain, "\(byLink.body)")
            #expect(byLink.json["campaign"] is NSNull)

            // What cannot be attributed is said so, and counts nothing.
            let unknown = MessageID.make(channel: .sms, nowMillis: WallClock.nowMillis())
            #expect(try await Self.conversion(h, #""event":"purchase","message_id":"\#(unknown)""#, key: "k11").json["reason"] as? String
                == "unknown_message")
            #expect(try await Self.conversion(h, #""event":"purchase","link_code":"Zzzzzzz1""#, key: "k12").json["reason"] as? String
                == "unknown_link")
            #expect(try await Self.conversion(h, #""event":"purchase","user_id":"nobody""#, key: "k13").json["reason"] as? String
                == "no_touch")

            // Stats and results count exactly what was counted above.
            let c1 = try #require(try await h.api(.GET, "/v1/stats?campaign=c1").json["totals"] as? [String: Any])
            #expect(c1["converted"] as? Int == 1)
            #expect(c1["conversion_value"] as? Double == 19.99)
            #expect((c1["conversion_value_by_currency"] as? [String: Double]) == ["CNY": 19.99])
            #expect(abs((c1["conversion_rate"] as? Double ?? 0) - 1 / Double(treated.count)) < 1e-9)
            let c2 = try #require(try await h.api(.GET, "/v1/stats?campaign=c2").json["totals"] as? [String: Any])
            #expect(c2["converted"] as? Int == 2)
            let results = try await h.api(.GET, "/v1/campaigns/c1/results")
            #expect(results.json["metric"] as? String == "conversion_rate" && results.json["basis"] as? String == "assigned")
            #expect(results.json["control"] as? String == "holdout")
            let groups = results.json["groups"] as? [[String: Any]] ?? []
            #expect(groups.first { $0["name"] as? String == "main" }?["converted"] as? Int == 1, "\(groups)")
            #expect(groups.first { $0["name"] as? String == "holdout" }?["converted"] as? Int == 1, "\(groups)")
            #expect(groups.first { $0["name"] as? String == "holdout" }?["converters"] as? Int == 1, "\(groups)")
            #expect(groups.first { $0["name"] as? String == "holdout" }?["assigned"] as? Int == held.count, "\(groups)")
            // Touches, holdout conversions and idempotency keys all expire.
            let written = try await h.keySnapshot().filter { $0.contains("{cmp}:t:") || $0.contains("{cmp}:hc:") || $0.hasPrefix("herald:cvi:") }
            #expect(written.count >= 3 + 13)
            for key in written { #expect(try await h.redis.send(["TTL", key]).orThrow().integer ?? -1 > 0, "\(key) has no TTL") }
            let csv = try await h.api(.GET, "/v1/campaigns/c1/results?format=csv&metric=click_rate")
            #expect(csv.body.contains(",converted,conversion_value,") && csv.body.contains("\nholdout,true,\(held.count),"), "\(csv.body)")
        }
    }

    @Test("a batch of conversions answers each in place: counted, repeated, refused, unknown")
    func batch() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = ["sent", "delivered"]
        try await withHarness(options) { h in
            var ids: [String] = []
            for n in 0..<2 {
                let id = try await h.sendSMS(to: "+1415555020\(n)")
                try await h.waitForStatus(id, "delivered")
                ids.append(id)
            }
            let at = RFC3339.format(millis: WallClock.nowMillis())
            let item = { (key: String, target: String) in #"{"event":"buy","occurred_at":"\#(at)","idempotency_key":"\#(key)",\#(target)}"# }
            let reply = try await h.api(.POST, "/v1/conversions/batch", json: #"{"conversions":["#
                + [item("b0", #""message_id":"\#(ids[0])""#), item("b1", #""message_id":"\#(ids[1])","value":2"#),
                   #"{"occurred_at":"\#(at)","idempotency_key":"b2","message_id":"\#(ids[0])"}"#,
                   item("b0", #""message_id":"\#(ids[0])""#), item("b4", #""link_code":"Zzzzzzz1""#)].joined(separator: ",") + "]}")
            #expect(reply.status == 202, "\(reply.body)")
            #expect(reply.json["accepted"] as? Int == 4 && reply.json["rejected"] as? Int == 1, "\(reply.body)")
            let results = reply.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["index"] as? Int } == [0, 1, 2, 3, 4])
            #expect(results[0]["counted"] as? Bool == true && results[0]["attributed_to"] as? String == ids[0])
            #expect(results[1]["counted"] as? Bool == true && results[1]["attributed_to"] as? String == ids[1])
            #expect((results[2]["error"] as? [String: Any])?["field"] as? String == "conversions[2].event", "\(results[2])")
            #expect(results[3]["replayed"] as? Bool == true && results[3]["counted"] as? Bool == true, "\(results[3])")
            #expect(results[4]["reason"] as? String == "unknown_link")
            let totals = try #require(try await h.api(.GET, "/v1/stats").json["totals"] as? [String: Any])
            #expect(totals["converted"] as? Int == 2 && totals["conversion_value"] as? Double == 2, "\(totals)")
            let empty = try await h.api(.POST, "/v1/conversions/batch", json: #"{"conversions":[]}"#)
            #expect(empty.status == 422)
            let allBad = try await h.api(.POST, "/v1/conversions/batch", json: #"{"conversions":[{"event":1}]}"#)
            #expect(allBad.status == 422, "\(allBad.body)")
        }
    }

    @Test("bad conversions are 422 naming the field, and leave nothing in Redis")
    func badInput() async throws {
        try await withHarness { h in
            // The workers create their streams as they start, beside this test: those are left out.
            func snapshot() async throws -> [String] { try await h.keySnapshot().filter { !$0.contains(":q:") } }
            let before = try await snapshot()
            let cases: [(String, String)] = [
                (#"{"event":"purchase","occurred_at":"2026-01-01T00:00:00Z","idempotency_key":"b1"}"#, "message_id"),
                (#"{"event":"purchase","occurred_at":"2999-01-01T00:00:00Z","idempotency_key":"b2","user_id":"u"}"#, "occurred_at"),
                (#"{"event":"purchase","occurred_at":"2026-01-01T00:00:00Z","user_id":"u"}"#, "idempotency_key"),
                (#"{"event":"purchase","occurred_at":"2026-01-01T00:00:00Z","idempotency_key":"b3","campaign":"c"}"#, "user_id"),
                (#"{"event":7,"occurred_at":"2026-01-01T00:00:00Z","idempotency_key":"b4","user_id":"u"}"#, "event"),
            ]
            for (body, field) in cases {
                let reply = try await h.api(.POST, "/v1/conversions", json: body)
                #expect((400..<500).contains(reply.status), "\(body): \(reply.status)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == field, "\(body): \(reply.body)")
            }
            let after = try await snapshot()
            #expect(after == before, "written: \(Set(after).subtracting(before).sorted())")
        }
    }
}
