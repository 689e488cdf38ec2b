import Foundation
import HeraldCore
import Testing

@Suite("Quiet hours")
struct QuietHoursTests {
    static let window = QuietHours(parsing: "21:00-08:00")!

    /// Unix milliseconds of a local wall-clock time in `zone`.
    static func millis(_ text: String, _ zone: String) -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
    }

    @Test("inside the window the end is the next local 08:00; outside there is none",
          arguments: [("2026-11-29 23:30", "2026-11-30 08:00"), ("2026-11-30 03:00", "2026-11-30 08:00"),
                      ("2026-11-29 21:00", "2026-11-30 08:00"), ("2026-11-30 07:59", "2026-11-30 08:00")])
    func inside(now: String, end: String) {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        #expect(Self.window.windowEnd(containing: Self.millis(now, "Asia/Shanghai"), in: zone)
            == Self.millis(end, "Asia/Shanghai"))
    }

    @Test("08:00 and 20:59 are outside", arguments: ["2026-11-30 08:00", "2026-11-30 12:00", "2026-11-30 20:59"])
    func outside(now: String) {
        #expect(Self.window.windowEnd(containing: Self.millis(now, "Asia/Shanghai"), in: TimeZone(identifier: "Asia/Shanghai")!) == nil)
    }

    @Test("across a DST change the window still ends at 08:00 local: 9 h after 22:00 in New York on the night clocks go forward, 11 h on the night they go back")
    func daylightSaving() {
        let zone = TimeZone(identifier: "America/New_York")!
        let spring = Self.millis("2026-03-07 22:00", "America/New_York")
        #expect(Self.window.windowEnd(containing: spring, in: zone) == Self.millis("2026-03-08 08:00", "America/New_York"))
        #expect(Self.window.windowEnd(containing: spring, in: zone)! - spring == 9 * 3_600_000)
        let autumn = Self.millis("2026-10-31 22:00", "America/New_York")
        #expect(Self.window.windowEnd(containing: autumn, in: zone)! - autumn == 11 * 3_600_000)
    }

    @Test("windows are parsed strictly and at most 20 hours long")
    func parsing() {
        #expect(QuietHours(parsing: "22:30-07:15")?.startMinute == 22 * 60 + 30)
        #expect(QuietHours(parsing: "01:00-23:00") == nil)
        #expect(QuietHours(parsing: "25:00-08:00") == nil)
        #expect(QuietHours(parsing: "21:00") == nil)
        #expect(QuietHours(parsing: "08:00-08:00") == nil)
        #expect(QuietHours(parsing: "12:00-14:00") != nil)
    }
}
