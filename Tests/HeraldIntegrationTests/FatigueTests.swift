import Foundation
import HeraldCore
import HeraldRedis
import HeraldSimulators
import HeraldTesting
import Testing
import HeraldAdapters

@Suite("Fatigue caps")
struct FatigueTests {
    static func caps(_ text: String) -> [HeraldCore.Channel: [FatigueWindow]] { [.sms: FatigueWindow.list(parsing: text)!] }

    @Test("20 marketing SMS at once to one user under 1/day and 3/week: exactly one goes out, the rest end suppressed naming the window; transactional is not counted", arguments: RedisLayout.allCases)
    func exactUnderConcurrency(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.fatigue = Self.caps("1/day,3/week")
        try await withHarness(options, on: layout) { h in
            h.startDispatcher(consumer: "worker-2")  // two instances share the caps through Redis
            let items = (0..<20).map {
                #"{"channel":"sms","to":"+141555502\#($0 / 10)\#($0 % 10)","category":"marketing","user_id":"u-cap","content":{"body":"Sale"}}"#
            }
            let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":["# + items.joined(separator: ",") + "]}")
            let ids = try #require(reply.json["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            let otp = try await h.sendSMS(to: "+14155550299", extra: #","user_id":"u-cap""#)
            var statuses: [String: Int] = [:]
            for id in ids {
                try await eventually("\(id) is final") { ["sent", "delivered", "suppressed"].contains(try await h.status(id)) }
                statuses[try await h.status(id) == "suppressed" ? "suppressed" : "sent", default: 0] += 1
            }
            #expect(statuses == ["sent": 1, "suppressed": 19])
            let admitted = try #require(try await ids.asyncFirst { try await h.status($0) != "suppressed" })
            #expect(try await h.events(admitted).contains { $0.detail.hasSuffix("; fatigue admitted (1/day, 3/week)") })
            try await h.waitForStatus(otp, "delivered")
            let suppressed = try #require(try await ids.asyncFirst { try await h.status($0) == "suppressed" })
            #expect(try await h.message(suppressed).fields["suppressed_reason"] == "fatigue")
            #expect(try await h.events(suppressed).contains { $0.type == "suppressed" && $0.detail == "fatigue: window 1/day is full" })
            let allowance = try await h.api(.GET, "/v1/users/u-cap/allowance")
            #expect(allowance.status == 200, "\(allowance.body)")
            #expect(allowance.body.contains(#""window":"1/day","limit":1,"remaining":0"#), "\(allowance.body)")
            #expect(allowance.body.contains(#""window":"3/week","limit":3,"remaining":2"#), "\(allowance.body)")
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_policy_decisions_total{channel="sms",decision="fatigue_suppressed"} 19"#))
        }
    }

    @Test("with fatigue deferring, the message over a rolling cap waits for its token instead of ending suppressed", arguments: RedisLayout.allCases)
    func deferred(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.fatigue = Self.caps("1/24h")
        options.fatigueDefers = true
        try await withHarness(options, on: layout) { h in
            let first = try await h.sendSMS(to: "+14155550301", extra: #","category":"marketing","user_id":"u-defer""#)
            try await h.waitForStatus(first, "delivered")
            let second = try await h.sendSMS(to: "+14155550302", extra: #","category":"marketing","user_id":"u-defer""#)
            try await eventually("the second is deferred") { try await h.events(second).contains { $0.type == "fatigue_deferred" } }
            #expect(try await h.status(second) == "scheduled")
            let partition = try #require(ChannelKeys(messageID: second))
            let due = try #require(try await h.redis.send(["ZSCORE", partition.delayed, second]).string.flatMap(Double.init))
            #expect(Int64(due) - WallClock.nowMillis() > 23 * 3_600_000, "a 1/24h token frees a day after the first took it")
        }
    }

    @Test("a message that fails for good gives its token back; a retried one does not take a second", arguments: RedisLayout.allCases)
    func giveBackAndRetries(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.fatigue = Self.caps("1/day")
        options.faults[TwilioRegistration.name] = { to, attempt in
            if to == "+14155550311" { return .invalidRecipient }
            if to == "+14155550321", attempt == 1 { return .serverError }
            return nil
        }
        try await withHarness(options, on: layout) { h in
            let invalid = try await h.sendSMS(to: "+14155550311", extra: #","category":"marketing","user_id":"u-give""#)
            try await h.waitForStatus(invalid, "failed")
            let next = try await h.sendSMS(to: "+14155550312", extra: #","category":"marketing","user_id":"u-give""#)
            try await h.waitForStatus(next, "delivered")

            let retried = try await h.sendSMS(to: "+14155550321", extra: #","category":"marketing","user_id":"u-retry""#)
            try await h.waitForStatus(retried, "delivered")
            #expect(try await h.message(retried).attempts == 2)
        }
    }
}

@Suite("Fatigue caps per campaign")
struct CampaignFatigueTests {
    @Test("a campaign's own cap replaces the channel's and counts the same messages; a campaign with caps off is not held")
    func campaignOverride() async throws {
        var options = HarnessOptions()
        options.fatigue = FatigueTests.caps("1/day")
        options.campaignFatigue = ["c-2": [.sms: FatigueWindow.list(parsing: "2/day")!], "free": [.sms: []]]
        try await withHarness(options) { h in
            var statuses: [String] = []
            for index in 0..<3 {
                let id = try await h.sendSMS(
                    to: "+1415555033\(index)", extra: #","category":"marketing","campaign":"c-2","user_id":"u-camp""#)
                try await eventually("\(id) is final", timeout: .seconds(30)) { ["delivered", "suppressed"].contains(try await h.status(id)) }
                statuses.append(try await h.status(id))
            }
            #expect(statuses == ["delivered", "delivered", "suppressed"])
            let plain = try await h.sendSMS(to: "+14155550340", extra: #","category":"marketing","user_id":"u-camp""#)
            try await h.waitForStatus(plain, "suppressed")
            let free = try await h.sendSMS(to: "+14155550341", extra: #","category":"marketing","campaign":"free","user_id":"u-camp""#)
            try await h.waitForStatus(free, "delivered")
        }
    }
}

extension Sequence {
    func asyncFirst(where predicate: (Element) async throws -> Bool) async rethrows -> Element? {
        for element in self where try await predicate(element) { return element }
        return nil
    }
}
