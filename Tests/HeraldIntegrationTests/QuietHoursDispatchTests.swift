import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing
import HeraldAdapters

@Suite("Quiet hours at dispatch")
struct QuietHoursDispatchTests {
    /// A fixed-offset IANA zone where the local hour now is `hour`.
    static func zone(whereLocalHourIs hour: Int) -> String {
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        var offset = (hour - utcHour + 24) % 24
        if offset > 14 { offset -= 24 }
        // Etc/GMT-5 is UTC+5: the sign is inverted in these names.
        return offset == 0 ? "Etc/GMT" : "Etc/GMT\(offset > 0 ? "-" : "+")\(abs(offset))"
    }

    @Test("marketing due in the recipient's night waits for 08:00 local on the ramp; transactional and daytime go now; one expiring first ends expired", arguments: RedisLayout.allCases)
    func heldUntilMorning(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        let window = try #require(QuietHours(parsing: "21:00-08:00", rampMillis: 60_000))
        options.quietHours = [.sms: window]
        try await withHarness(options, on: layout) { h in
            let night = Self.zone(whereLocalHourIs: 23), day = Self.zone(whereLocalHourIs: 12)
            let held = try await h.sendSMS(to: "+14155550180", extra: #","category":"marketing","timezone":"\#(night)""#)
            let otp = try await h.sendSMS(to: "+14155550181", extra: #","timezone":"\#(night)""#)
            let daytime = try await h.sendSMS(to: "+14155550182", extra: #","category":"marketing","timezone":"\#(day)""#)
            let expiresAt = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))
            let expiring = try await h.sendSMS(
                to: "+14155550183", extra: #","category":"marketing","timezone":"\#(night)","expires_at":"\#(expiresAt)""#)

            try await h.waitForStatus(otp, "delivered")
            try await h.waitForStatus(daytime, "delivered")
            try await h.waitForStatus(expiring, "expired")
            try await eventually("the night-time marketing message is held") {
                try await h.events(held).contains { $0.type == "quiet_hours" }
            }
            #expect(try await h.status(held) == "scheduled")
            #expect(try await h.message(held).attempts == 0, "holding is not an attempt")
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550180") == 0 && h.ledger(TwilioRegistration.name).requests(to: "+14155550183") == 0)
            let partition = try #require(ChannelKeys(messageID: held))
            let due = try #require(try await h.redis.send(["ZSCORE", partition.delayed, held]).string.flatMap(Double.init))
            let end = try #require(window.windowEnd(containing: WallClock.nowMillis(), in: TimeZone(identifier: night)!))
            #expect(Int64(due) >= end && Int64(due) <= end + 60_000, "due \(Int64(due)) is on the ramp after \(end)")
            #expect(Int64(due) - WallClock.nowMillis() > 8 * 3_600_000, "23:xx local waits into the morning")
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_policy_decisions_total{channel="sms",decision="quiet_deferred"} 1"#))
            #expect(metrics.contains(#"herald_policy_decisions_total{channel="sms",decision="quiet_expired"} 1"#))
        }
    }
}
