import Foundation
import HeraldCore
import Testing

@Suite("Campaign send windows")
struct SendScheduleTests {
    static func millis(_ text: String) throws -> Int64 { try MessageValidator.parseTime(text, field: "t") }
    static func zone(_ name: String) throws -> TimeZone { try #require(TimeZone(identifier: name)) }
    static let daytime = try! SendWindow.parse(days: "mon-sun", from: "09:00", to: "20:00")

    @Test("a window is reckoned in the recipient's zone: the same instant is inside it in New York and outside it in Shanghai")
    func twoZones() throws {
        let schedule = SendSchedule(windows: [Self.daytime])
        let now = try Self.millis("2026-12-07T14:30:00Z")  // 09:30 in New York, 22:30 in Shanghai
        #expect(schedule.isOpen(atMillis: now, in: try Self.zone("America/New_York")))
        #expect(!schedule.isOpen(atMillis: now, in: try Self.zone("Asia/Shanghai")))
        #expect(schedule.nextOpening(afterMillis: now, in: try Self.zone("America/New_York")) == now)
        #expect(schedule.nextOpening(afterMillis: now, in: try Self.zone("Asia/Shanghai"))
            == (try Self.millis("2026-12-08T01:00:00Z")))
    }

    @Test("on the day clocks spring forward the window opens at 09:00 local time, one hour earlier in UTC than the day before")
    func springForward() throws {
        let schedule = SendSchedule(windows: [Self.daytime])
        let newYork = try Self.zone("America/New_York")
        #expect(schedule.nextOpening(afterMillis: try Self.millis("2026-03-07T03:00:00Z"), in: newYork)
            == (try Self.millis("2026-03-07T14:00:00Z")))  // 09:00 EST
        #expect(schedule.nextOpening(afterMillis: try Self.millis("2026-03-08T03:00:00Z"), in: newYork)
            == (try Self.millis("2026-03-08T13:00:00Z")))  // 09:00 EDT, clocks moved at 02:00
        // 19:59 EDT is inside; 20:00 EDT (00:00Z) is not.
        #expect(schedule.isOpen(atMillis: try Self.millis("2026-03-08T23:59:00Z"), in: newYork))
        #expect(!schedule.isOpen(atMillis: try Self.millis("2026-03-09T00:00:00Z"), in: newYork))
    }

    @Test("on the day clocks fall back the window still ends at 20:00 local time")
    func fallBack() throws {
        let schedule = SendSchedule(windows: [Self.daytime])
        let london = try Self.zone("Europe/London")
        // 25 October 2026: BST ends at 02:00 local. 20:00 GMT is 20:00Z that evening, 19:00Z the evening before.
        #expect(schedule.isOpen(atMillis: try Self.millis("2026-10-25T19:59:00Z"), in: london))
        #expect(!schedule.isOpen(atMillis: try Self.millis("2026-10-25T20:00:00Z"), in: london))
        #expect(!schedule.isOpen(atMillis: try Self.millis("2026-10-24T19:00:00Z"), in: london))
    }

    @Test("a slot starting inside the skipped hour opens when the hour after it begins")
    func skippedHour() throws {
        let early = try SendWindow.parse(days: "sun", from: "02:30", to: "04:00")
        let schedule = SendSchedule(windows: [early])
        let newYork = try Self.zone("America/New_York")
        // 8 March 2026 is a Sunday; 02:30 does not exist, 03:00 EDT is 07:00Z.
        #expect(schedule.nextOpening(afterMillis: try Self.millis("2026-03-08T05:00:00Z"), in: newYork)
            == (try Self.millis("2026-03-08T07:00:00Z")))
    }

    @Test("weekday slots: from Saturday the next opening is Monday morning")
    func weekdays() throws {
        let schedule = SendSchedule(windows: [try SendWindow.parse(days: "mon-fri", from: "09:00", to: "17:00")])
        let utc = try Self.zone("UTC")
        let saturday = try Self.millis("2026-12-05T10:00:00Z")
        #expect(!schedule.isOpen(atMillis: saturday, in: utc))
        #expect(schedule.nextOpening(afterMillis: saturday, in: utc) == (try Self.millis("2026-12-07T09:00:00Z")))
    }

    @Test("day lists, ranges across the week's end and whole days parse; nonsense is refused naming the field", arguments: [
        ("sat,sun", Set([6, 7])), ("fri-mon", Set([5, 6, 7, 1])), ("daily", Set(1...7)), ("Mon-Wed", Set([1, 2, 3])),
    ])
    func dayNames(text: String, days: Set<Int>) throws {
        #expect(try SendWindow.parse(days: text, from: "00:00", to: "24:00").days == days)
    }

    @Test("malformed windows name their field", arguments: [
        ("funday", "09:00", "10:00", "days"), ("mon", "9:00", "10:00", "from"), ("mon", "09:00", "25:00", "to"),
        ("mon", "10:00", "09:00", "to"), ("mon", "24:00", "24:00", "from"),
    ])
    func malformed(days: String, from: String, to: String, field: String) {
        #expect(throws: APIError.self) { try SendWindow.parse(days: days, from: from, to: to) }
        do { _ = try SendWindow.parse(days: days, from: from, to: to) } catch { #expect(error.field == field) }
    }

    @Test("the opening of the slot in progress is its local start that day, in the recipient's zone")
    func currentOpening() throws {
        let schedule = SendSchedule(windows: [Self.daytime])
        let now = try Self.millis("2026-12-07T14:30:00Z")
        #expect(schedule.currentOpening(atMillis: now, in: try Self.zone("America/New_York"))
            == (try Self.millis("2026-12-07T14:00:00Z")))
        #expect(schedule.currentOpening(atMillis: now, in: try Self.zone("Asia/Shanghai")) == nil)
    }
}
