import Foundation

/// A weekly time slot a campaign may send in (`{"days":"mon-fri","from":"09:00","to":"20:00"}`),
/// reckoned in the recipient's own time zone. Days are those on which the
/// slot starts; `to` is later than `from` on the same day (`24:00` is the
/// end of the day): a slot across midnight is two slots.
public struct SendWindow: Sendable, Equatable, Codable {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public let days: Set<Int>
    /// Minutes after local midnight: the slot is [from, to).
    public let fromMinute: Int
    public let toMinute: Int

    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init?(days: Set<Int>, fromMinute: Int, toMinute: Int) {
        guard !days.isEmpty, days.allSatisfy({ (1...7).contains($0) }), (0..<1440).contains(fromMinute),
              (1...1440).contains(toMinute), fromMinute < toMinute
        else { return nil }
        self.days = days
        self.fromMinute = fromMinute
        self.toMinute = toMinute
    }

    /// Parses the API's form; the error names what is wrong (`days`, `from` or `to`).
    public static func parse(days: String?, from: String?, to: String?) throws(APIError) -> SendWindow {
        guard let dayText = days ?? Optional("mon-sun"), let set = parseDays(dayText) else {
            throw .invalid("days", "days must be day names or ranges such as mon-fri or sat,sun", code: "invalid_window")
        }
        guard let from, let start = minutes(from, allowEndOfDay: false) else {
            throw .invalid("from", "from must be a local time HH:MM", code: "invalid_window")
        }
        guard let to, let end = minutes(to, allowEndOfDay: true) else {
            throw .invalid("to", "to must be a local time HH:MM (24:00 for the end of the day)", code: "invalid_window")
        }
        guard let window = SendWindow(days: set, fromMinute: start, toMinute: end) else {
            throw .invalid("to", "to must be later than from; a slot across midnight is two slots", code: "invalid_window")
        }
        return window
    }

    static func parseDays(_ text: String) -> Set<Int>? {
        let lowered = text.lowercased().replacingOccurrences(of: " ", with: "")
        if lowered == "daily" || lowered == "all" || lowered == "*" { return Set(1...7) }
        var days = Set<Int>()
        for part in lowered.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(ends.count),
                  let first = dayNames.firstIndex(of: ends[0]).map({ $0 + 1 }),
                  let last = dayNames.firstIndex(of: ends[ends.count - 1]).map({ $0 + 1 })
            else { return nil }
            var day = first
            while true {
                days.insert(day)
                if day == last { break }
                day = day % 7 + 1
            }
        }
        return days.isEmpty ? nil : days
    }

    static func minutes(_ clock: String, allowEndOfDay: Bool) -> Int? {
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }), let hour = Int(parts[0]),
              let minute = Int(parts[1]), (0..<60).contains(minute)
        else { return nil }
        if allowEndOfDay, hour == 24, minute == 0 { return 1440 }
        guard (0..<24).contains(hour) else { return nil }
        return hour * 60 + minute
    }

    /// The API form, for the campaign view.
    public var daysText: String {
        Self.dayNames.enumerated().filter { days.contains($0.offset + 1) }.map(\.element).joined(separator: ",")
    }
    public var fromText: String { Self.clock(fromMinute) }
    public var toText: String { Self.clock(toMinute) }
    static func clock(_ minute: Int) -> String {
        (minute / 60 < 10 ? "0" : "") + String(minute / 60) + ":" + (minute % 60 < 10 ? "0" : "") + String(minute % 60)
    }
}
