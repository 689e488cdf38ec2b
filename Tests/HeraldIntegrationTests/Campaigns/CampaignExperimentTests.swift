import Foundation
import HeraldAdapters
import HeraldCore
import HeraldTesting
import Testing

@Suite("Campaign experiments")
struct CampaignExperimentTests {
    @Test("variants are assigned by person on every releaser alike, the holdout is never sent, and the results agree with the simulator")
    func variantsAndHoldout() async throws {
        var options = HarnessOptions()
        options.callbackStatuses = ["sent", "delivered"]
        try await withHarness(options) { h in
            h.startCampaignReleaser()  // two releasers share the work
            try await h.createCampaign(#"""
                {"id":"ab","channel":"sms","category":"transactional","holdout_percent":20,"variants":[
                 {"name":"A","content":{"body":"variant-a"},"weight":50},{"name":"B","content":{"body":"variant-b"},"weight":50}]}
                """#)
            let numbers = campaignNumbers(300, from: 8_000)
            _ = try await h.addRecipientsCSV("ab", campaignCSV(numbers))
            // A re-import finds every person there already: no one is assigned or sent twice.
            let again = try await h.addRecipientsCSV("ab", campaignCSV(numbers))
            #expect(again.status == 202 && again.json["duplicates"] as? Int == numbers.count, "\(again.body)")
            #expect(try await h.campaignAction("ab", "start").status == 200)
            try await h.waitForCampaign("ab", "completed")
            let definition = try #require(try await h.campaignDefinition("ab"))
            var expected: [String: Int] = [:]
            let ledger = h.ledger(TwilioRegistration.name)
            for number in numbers {
                let person = h.store.settings.fingerprints.person(
                    CampaignRecipient(to: number).identity(on: .sms), scope: "campaign:ab")
                switch definition.group(of: person) {
                case .holdout:
                    expected["holdout", default: 0] += 1
                    #expect(ledger.requests(to: number) == 0, "\(number) is held out and must not be sent")
                case .variant(let index):
                    let name = definition.variants[index].name
                    expected[name, default: 0] += 1
                    try await eventually("\(number) is sent") { ledger.accepted(to: number) == 1 }
                    let body = ledger.lastPayload(to: number) ?? ""
                    #expect(body.contains("variant-\(name.lowercased())"), "\(number) of \(name) got \(body.prefix(200))")
                }
            }
            #expect((expected["holdout"] ?? 0) > 30 && (expected["holdout"] ?? 0) < 90, "\(expected)")
            try await eventually("the results count every delivery") {
                let groups = try await h.api(.GET, "/v1/campaigns/ab/results").json["groups"] as? [[String: Any]] ?? []
                return groups.reduce(0) { $0 + ($1["delivered"] as? Int ?? 0) } == 300 - (expected["holdout"] ?? 0)
            }
            let results = try await h.api(.GET, "/v1/campaigns/ab/results")
            #expect(results.status == 200, "\(results.body)")
            let groups = results.json["groups"] as? [[String: Any]] ?? []
            for group in groups {
                let name = group["name"] as? String ?? ""
                #expect(group["assigned"] as? Int == expected[name] ?? 0, "\(name): \(group)")
                if name != "holdout" {
                    #expect(group["sent"] as? Int == expected[name], "\(name): \(group)")
                    #expect(group["delivered"] as? Int == expected[name], "\(name): \(group)")
                }
            }
            #expect(results.json["control"] as? String == "A")
            #expect((results.json["comparisons"] as? [[String: Any]])?.count == 1)
            #expect(ledger.duplicates == 0)
            let csv = try await h.api(.GET, "/v1/campaigns/ab/results?format=csv")
            #expect(csv.body.hasPrefix("group,holdout,assigned") && csv.body.contains("\nholdout,true,"), "\(csv.body)")
        }
    }
}
