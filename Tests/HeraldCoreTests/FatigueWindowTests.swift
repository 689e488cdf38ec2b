import Foundation
import HeraldCore
import Testing

@Suite("Fatigue windows")
struct FatigueWindowTests {
    @Test("caps are parsed strictly", arguments: [("1/day", "1/day"), ("3/week", "3/week"), ("4/month", "4/month"),
                                                  ("5/24h", "5/24h"), ("10/7d", "10/7d")])
    func parsing(text: String, description: String) {
        #expect(FatigueWindow(parsing: text)?.description == description)
    }

    @Test("malformed caps are refused", arguments: ["0/day", "1/year", "day", "1/0h", "x/day", "1/1"])
    func malformed(text: String) {
        #expect(FatigueWindow(parsing: text) == nil)
    }

    @Test("a calendar day is the person's local day: the same instant is two different days in Shanghai and New York")
    func localDay() throws {
        let day = try #require(FatigueWindow(parsing: "1/day"))
        let instant: Int64 = 1_795_032_000_000 // 2026-11-18T20:00:00Z: 04:00 on the 19th in Shanghai, 15:00 on the 18th in New York
        let shanghai = day.slot(at: instant, in: TimeZone(identifier: "Asia/Shanghai")!)
        let newYork = day.slot(at: instant, in: TimeZone(identifier: "America/New_York")!)
        #expect(shanghai.name == "day:20261119" && newYork.name == "day:20261118")
        #expect(shanghai.name != newYork.name)
        #expect(shanghai.isCalendar && shanghai.bound == 1_795_104_000_000, "ends at midnight in Shanghai (16:00Z on the 19th)")
        #expect(newYork.isCalendar && newYork.bound == 1_795_064_400_000, "ends at midnight in New York (05:00Z on the 19th)")
        let late = day.slot(at: instant + 10 * 3_600_000, in: TimeZone(identifier: "America/New_York")!)
        #expect(late.name == "day:20261119", "01:00 on the 19th in New York")
    }

    /// Checks that `window` at `instant` in `zone` is the period `name`, that it
    /// ends at `end`, and that it resets there: the last millisecond before is
    /// still `name`, the end itself is `next`.
    func resets(_ window: String, at instant: Int64, in zone: String, name: String, end: Int64, next: String,
                sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let window = try #require(FatigueWindow(parsing: window), sourceLocation: sourceLocation)
        let zone = try #require(TimeZone(identifier: zone), sourceLocation: sourceLocation)
        let slot = window.slot(at: instant, in: zone)
        #expect(slot.isCalendar && slot.name == name && slot.bound == end,
                "\(slot.name) ends at \(slot.bound)", sourceLocation: sourceLocation)
        #expect(window.slot(at: end - 1, in: zone).name == name, sourceLocation: sourceLocation)
        #expect(window.slot(at: end, in: zone).name == next, sourceLocation: sourceLocation)
    }

    @Test("a calendar day resets at local midnight across a DST night: 23 hours in spring, 25 in autumn (New York, Berlin)")
    func daylightSavingNights() throws {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT. The day runs 05:00Z → 04:00Z (23 h).
        try resets("1/day", at: 1_772_953_200_000 /* 07:00Z, 03:00 EDT, just after the jump */, in: "America/New_York",
                   name: "day:20260308", end: 1_773_028_800_000 /* 2026-03-09T04:00Z */, next: "day:20260309")
        let spring = try #require(FatigueWindow(parsing: "1/day")).slot(at: 1_772_953_199_000 /* 06:59:59Z, 01:59:59 EST */,
                                                                         in: TimeZone(identifier: "America/New_York")!)
        #expect(spring.name == "day:20260308" && spring.bound == 1_773_028_800_000, "before and after the jump: one day")
        #expect(1_773_028_800_000 - 1_772_946_000_000 == 23 * 3_600_000, "the day began at 05:00Z (midnight EST)")
        #expect(try #require(FatigueWindow(parsing: "1/day")).slot(at: 1_773_028_800_000, in: TimeZone(identifier: "America/New_York")!)
            .bound == 1_773_115_200_000, "the next day is 24 h again")
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice. The day runs 04:00Z → 05:00Z (25 h).
        try resets("1/day", at: 1_793_511_000_000 /* 05:30Z, 01:30 EDT */, in: "America/New_York",
                   name: "day:20261101", end: 1_793_595_600_000 /* 2026-11-02T05:00Z */, next: "day:20261102")
        try resets("1/day", at: 1_793_514_600_000 /* 06:30Z, 01:30 EST, the second time */, in: "America/New_York",
                   name: "day:20261101", end: 1_793_595_600_000, next: "day:20261102")
        #expect(1_793_595_600_000 - 1_793_505_600_000 == 25 * 3_600_000)
        // 23:30 EST on 2026-11-01 is 04:30Z on the 2nd: still the 1st in New York.
        #expect(try #require(FatigueWindow(parsing: "1/day")).slot(at: 1_793_593_800_000, in: TimeZone(identifier: "America/New_York")!)
            .name == "day:20261101")
        // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST. The day runs 23:00Z → 22:00Z.
        try resets("1/day", at: 1_774_747_800_000 /* 01:30Z, 03:30 CEST */, in: "Europe/Berlin",
                   name: "day:20260329", end: 1_774_821_600_000 /* 2026-03-29T22:00Z */, next: "day:20260330")
        // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET. The week from Monday the 19th ends
        // at Monday 00:00 CET (23:00Z on the 25th), an hour later than it began in UTC terms.
        try resets("1/day", at: 1_792_888_200_000 /* 00:30Z, 02:30 CEST */, in: "Europe/Berlin",
                   name: "day:20261025", end: 1_792_969_200_000 /* 2026-10-25T23:00Z */, next: "day:20261026")
        try resets("3/week", at: 1_792_888_200_000, in: "Europe/Berlin",
                   name: "week:20261019", end: 1_792_969_200_000, next: "week:20261026")
        // Berlin, March 2026 ends at April 1st 00:00 CEST (22:00Z on the 31st), after the spring jump.
        try resets("4/month", at: 1_773_576_000_000 /* 2026-03-15T12:00Z */, in: "Europe/Berlin",
                   name: "month:20260301", end: 1_774_994_400_000, next: "month:20260401")
    }

    @Test("a week starts on Monday, a month on the 1st; a rolling window is its length")
    func periods() throws {
        let instant: Int64 = 1_795_000_000_000 // Wednesday 2026-11-18
        let utc = TimeZone(identifier: "UTC")!
        #expect(FatigueWindow(parsing: "3/week")!.slot(at: instant, in: utc).name == "week:20261116")
        #expect(FatigueWindow(parsing: "4/month")!.slot(at: instant, in: utc).name == "month:20261101")
        let rolling = FatigueWindow(parsing: "5/24h")!.slot(at: instant, in: utc)
        #expect(!rolling.isCalendar && rolling.bound == 86_400_000)
        #expect(FatigueWindow.list(parsing: "1/day,3/week")?.count == 2)
        #expect(FatigueWindow.list(parsing: "1/day,bad") == nil)
    }
}
