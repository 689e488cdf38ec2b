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
        let instant: Int64 = 1_795_000_000_000 // 2026-11-18T07:06:40Z
        let shanghai = day.slot(at: instant, in: TimeZone(identifier: "Asia/Shanghai")!)
        let newYork = day.slot(at: instant, in: TimeZone(identifier: "America/New_York")!)
        #expect(shanghai.name == "day:20261118" && newYork.name == "day:20261118")
        #expect(shanghai.isCalendar && shanghai.bound == 1_795_017_600_000, "ends at midnight in Shanghai (16:00Z)")
        #expect(newYork.bound == 1_795_064_400_000, "ends at midnight in New York (05:00Z the next day)")
        let late = day.slot(at: instant + 10 * 3_600_000, in: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(late.name == "day:20261119")
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
