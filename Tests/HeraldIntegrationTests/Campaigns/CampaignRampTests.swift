import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

/// An unpaced campaign spreads each zone's window opening over a ramp:
/// `campaign_take.lua` driven directly, with the openings and shares a releaser would give.
@Suite("Campaign window ramps")
struct CampaignRampTests {
    @Test("at a window's opening an unpaced campaign releases the zone's share of the ramp gone by, not all at once")
    func rampAtOpening() async throws {
        var options = HarnessOptions()
        options.startCampaignReleaser = false
        options.startDispatcher = false
        try await withHarness(options) { h in
            try await h.createCampaign(#"""
                {"id":"ramp","channel":"sms","content":{"body":"x"},"timezone":"UTC",
                 "pacing":{"windows":[{"days":"daily","from":"00:00","to":"24:00"}]}}
                """#)
            _ = try await h.addRecipientsCSV("ramp", campaignCSV(campaignNumbers(100, from: 4_000)))
            #expect(try await h.campaignAction("ramp", "start").status == 200)
            let store = CampaignStore(redis: h.redis)
            var lease = 0
            func take(opened: Int64, share: Int) async throws -> Int {
                lease += 1
                let reply = try await store.take(
                    id: "ramp", want: 500, token: "t\(lease)", leaseMillis: 60_000, releasableShare: 10_000, localDay: "20260101",
                    openZones: [.init(zone: "UTC", openedAtMillis: opened, rampShare: share)], graceMillis: 60_000)
                guard case .records(let token, let records, _, _) = reply else { return 0 }
                try await store.acknowledge(id: "ramp", token: token, failed: 0, graceMillis: 60_000)
                return records.count
            }
            #expect(try await take(opened: 1_000, share: 2_500) == 25, "a quarter of the ramp: a quarter of the 100")
            #expect(try await take(opened: 1_000, share: 2_500) == 0, "nothing more until more of the ramp has gone")
            #expect(try await take(opened: 1_000, share: 5_000) == 25, "half the ramp: half of the 100 in all")
            #expect(try await take(opened: 2_000, share: 1_000) == 5, "the next opening: a tenth of the 50 left then")
            #expect(try await take(opened: 2_000, share: 10_000) == 45, "the ramp over: the rest")
            #expect(try await h.campaignCount("ramp", "pending") == 0)
        }
    }
}
