import Foundation
import HeraldAdapters
import HeraldCore
import HeraldTesting
import Testing

@Suite("Campaign winner tests")
struct CampaignWinnerTests {
    /// A campaign of two variants (bodies `<id>-A`, `<id>-B`) with a winner test
    /// on half its audience, `users` imported and started.
    static func start(_ h: Harness, _ id: String, winner: String, users: [(user: String, to: String)]) async throws {
        try await h.createCampaign(#"""
            {"id":"\#(id)","channel":"sms","category":"transactional","winner":\#(winner),"variants":[
             {"name":"A","content":{"body":"\#(id)-A"},"weight":1},{"name":"B","content":{"body":"\#(id)-B"},"weight":1}]}
            """#)
        _ = try await h.addRecipientsCSV(id, campaignCSV(users: users))
        #expect(try await h.campaignAction(id, "start").status == 200)
    }

    /// Each user's variant and whether they are in the test share.
    static func plan(_ h: Harness, _ id: String, _ users: [(user: String, to: String)]) async throws
        -> [(user: String, to: String, variant: String, test: Bool)]
    {
        let definition = try #require(try await h.campaignDefinition(id))
        let test = try #require(definition.winnerTest)
        return users.map { user in
            let person = h.store.settings.fingerprints.person("u:" + user.user, scope: "campaign:" + id)
            guard case .variant(let index) = definition.group(of: person) else { return (user.user, user.to, "?", false) }
            return (user.user, user.to, definition.variants[index].name, test.isTest(person))
        }
    }

    static func winner(_ h: Harness, _ id: String) async throws -> [String: Any] {
        try await h.campaign(id)["winner"] as? [String: Any] ?? [:]
    }

    static func users(_ id: Int) -> [(user: String, to: String)] {
        (0..<40).map { (user: "w\(id)-\($0)", to: campaignNumbers(1, from: 20_000 + id * 100 + $0)[0]) }
    }

    @Test("a variant significantly better on conversions wins and goes to the rest; a second choice is refused")
    func decidedByTest() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = ["sent", "delivered"]
        try await withHarness(options) { h in
            let users = Self.users(1)
            // The test is looked at once, 20 s after its share is released: the conversions come before.
            try await Self.start(h, "w1", winner: #"{"metric":"conversion_rate","test_percent":50,"decide_after":"PT20S","fallback":"manual"}"#,
                                 users: users)
            let plan = try await Self.plan(h, "w1", users)
            let test = plan.filter(\.test), rest = plan.filter { !$0.test }
            #expect(test.contains { $0.variant == "A" } && test.contains { $0.variant == "B" } && !rest.isEmpty)
            let ledger = h.ledger(TwilioRegistration.name)
            for person in test { try await eventually("\(person.user) gets the test") { ledger.accepted(to: person.to) == 1 } }
            try await CampaignConversionTests.waitForDeliveries(h, "w1", test.count)
            // The test share is out; the decision waits for its time, and the rest is kept aside.
            try await eventually("the test share is released") { try await Self.winner(h, "w1")["state"] as? String == "deciding" }
            #expect(try await Self.winner(h, "w1")["deferred"] as? Int == rest.count)
            for person in rest { #expect(ledger.requests(to: person.to) == 0) }
            for (index, person) in test.enumerated() where person.variant == "B" {
                let reply = try await CampaignConversionTests.conversion(
                    h, #""event":"purchase","user_id":"\#(person.user)","campaign":"w1""#, key: "w1-\(index)")
                #expect(reply.json["counted"] as? Bool == true, "\(reply.body)")
            }
            try await eventually("B wins on the test", timeout: .seconds(60)) { try await Self.winner(h, "w1")["variant"] as? String == "B" }
            let winner = try await Self.winner(h, "w1")
            #expect(winner["state"] as? String == "decided" && winner["decided_by"] as? String == "test", "\(winner)")
            try await h.waitForCampaign("w1", "completed")
            for person in rest {
                try await eventually("\(person.user) gets the winner") { ledger.accepted(to: person.to) == 1 }
                #expect(ledger.lastPayload(to: person.to)?.contains("w1-B") == true)
            }
            for person in test { #expect(ledger.lastPayload(to: person.to)?.contains("w1-\(person.variant)") == true) }
            #expect(ledger.duplicates == 0)
            let results = try await h.api(.GET, "/v1/campaigns/w1/results").json
            let groups = results["groups"] as? [[String: Any]] ?? []
            #expect(groups.first { $0["name"] as? String == "rest" }?["assigned"] as? Int == rest.count, "\(groups)")
            let convertersB = test.filter { $0.variant == "B" }.count
            #expect(groups.first { $0["name"] as? String == "B" }?["converters"] as? Int == convertersB, "\(groups)")
            #expect((results["winner"] as? [String: Any])?["decided"] as? Bool == true)
            let again = try await h.api(.POST, "/v1/campaigns/w1/winner", json: #"{"variant":"A"}"#)
            #expect(again.status == 409 && (again.json["error"] as? [String: Any])?["code"] as? String == "winner_decided", "\(again.body)")
        }
    }

    @Test("fallbacks: best sends the leader, stop withholds the rest, manual waits for a person's choice")
    func fallbacks() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = ["sent", "delivered"]
        try await withHarness(options) { h in
            let best = Self.users(2), stop = Self.users(3), manual = Self.users(4)
            try await Self.start(h, "w2", winner: #"{"test_percent":50,"decide_after":"PT1S","fallback":"best"}"#, users: best)
            try await Self.start(h, "w3", winner: #"{"test_percent":50,"decide_after":"PT1S","fallback":"stop"}"#, users: stop)
            try await Self.start(h, "w4", winner: #"{"test_percent":50,"decide_after":"PT1S"}"#, users: manual)
            let ledger = h.ledger(TwilioRegistration.name)

            // best: no clicks anywhere, so the first of the equal leaders goes to the rest.
            try await h.waitForCampaign("w2", "completed")
            let bestWinner = try await Self.winner(h, "w2")
            #expect(bestWinner["variant"] as? String == "A" && bestWinner["decided_by"] as? String == "fallback", "\(bestWinner)")
            for person in try await Self.plan(h, "w2", best) {
                try await eventually("\(person.user) is sent once") { ledger.accepted(to: person.to) == 1 }
                #expect(ledger.lastPayload(to: person.to)?.contains("w2-\(person.test ? person.variant : "A")") == true)
            }

            // stop: the rest is never sent, and counted withheld.
            try await h.waitForCampaign("w3", "completed")
            let stopPlan = try await Self.plan(h, "w3", stop)
            let withheld = stopPlan.filter { !$0.test }
            #expect(try await Self.winner(h, "w3")["state"] as? String == "stopped")
            #expect(try await h.campaignCount("w3", "withheld") == withheld.count)
            for person in stopPlan.filter(\.test) {
                try await eventually("\(person.user) gets the test") { ledger.accepted(to: person.to) == 1 }
            }
            for person in withheld { #expect(ledger.requests(to: person.to) == 0) }

            // manual: it waits; a name that is no variant is refused; a person's choice goes to the rest.
            try await eventually("w4 waits for a choice") { try await Self.winner(h, "w4")["state"] as? String == "awaiting_manual" }
            #expect((try await Self.winner(h, "w4")["reason"] as? String)?.contains("waits for POST") == true)
            let unknown = try await h.api(.POST, "/v1/campaigns/w4/winner", json: #"{"variant":"C"}"#)
            #expect(unknown.status == 422 && (unknown.json["error"] as? [String: Any])?["field"] as? String == "variant", "\(unknown.body)")
            let chosen = try await h.api(.POST, "/v1/campaigns/w4/winner", json: #"{"variant":"B"}"#)
            #expect(chosen.status == 200, "\(chosen.body)")
            #expect((chosen.json["winner"] as? [String: Any])?["decided_by"] as? String == "manual")
            try await h.waitForCampaign("w4", "completed")
            for person in try await Self.plan(h, "w4", manual) where !person.test {
                try await eventually("\(person.user) gets the chosen variant") { ledger.accepted(to: person.to) == 1 }
                #expect(ledger.lastPayload(to: person.to)?.contains("w4-B") == true)
            }
            let restCount = manual.count - (try await Self.plan(h, "w4", manual).filter(\.test).count)
            try await eventually("the rest's messages count as variant rest") {
                let rest = try await h.api(.GET, "/v1/stats?campaign=w4&variant=rest").json["totals"] as? [String: Any]
                return rest?["sent"] as? Int == restCount
            }

            // A campaign without a winner test has nothing to choose.
            try await h.createCampaign(#"{"id":"plain","channel":"sms","content":{"body":"x"}}"#)
            let none = try await h.api(.POST, "/v1/campaigns/plain/winner", json: #"{"variant":"A"}"#)
            #expect(none.status == 409 && (none.json["error"] as? [String: Any])?["code"] as? String == "campaign_has_no_winner_test")
        }
    }
}
