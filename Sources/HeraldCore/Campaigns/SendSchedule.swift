import Foundation

/// A campaign's weekly slots, asked two questions in a recipient's zone:
/// may a message go now, and when does the next slot open. Local times come
/// from the zone's own rules, so a slot opens at 09:00 local on the days
/// clocks change too (a slot starting in a skipped hour opens when the hour
/// after it begins).
public struct SendSchedule: Sendable, Equatable {
    public let windows: [SendWindow]

    public init(windows: [SendWindow]) {
        self.windows = windows
    }

    /// No slots: always open.
    public var isAlwaysOpen: Bool { windows.isEmpty }

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// ISO weekday (1 = Monday) and minute of the day of `date` in `zone`.
    static func local(_ date: Date, _ calendar: Calendar) -> (day: Int, minute: Int) {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let weekday = parts.weekday ?? 1  // 1 = Sunday in Foundation
        return ((weekday + 5) % 7 + 1, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// Whether a message may go at `millis` in `zone`.
    public func isOpen(atMillis millis: Int64, in zone: TimeZone) -> Bool {
        guard !windows.isEmpty else { return true }
        let now = Self.local(Date(timeIntervalSince1970: Double(millis) / 1000), Self.calendar(zone))
        return windows.contains { $0.days.contains(now.day) && now.minute >= $0.fromMinute && now.minute < $0.toMinute }
    }

    /// When the slot open at `millis` in `zone` opened (its local start that
    /// day); nil when none is open.
    public func currentOpening(atMillis millis: Int64, in zone: TimeZone) -> Int64? {
        let calendar = Self.calendar(zone)
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let now = Self.local(date, calendar)
        guard let window = windows.first(where: {
            $0.days.contains(now.day) && now.minute >= $0.fromMinute && now.minute < $0.toMinute
        }) else { return nil }
        let start = calendar.date(bySettingHour: window.fromMinute / 60, minute: window.fromMinute % 60, second: 0, of: date)
        return start.map { min(millis, Int64(($0.timeIntervalSince1970 * 1000).rounded())) }
    }

    /// When the next slot opens after `millis` in `zone` (now, when one is
    /// open); nil when there are no slots.
    public func nextOpening(afterMillis millis: Int64, in zone: TimeZone) -> Int64? {
        guard !windows.isEmpty else { return nil }
        if isOpen(atMillis: millis, in: zone) { return millis }
        let calendar = Self.calendar(zone)
        let now = Date(timeIntervalSince1970: Double(millis) / 1000)
        let today = calendar.startOfDay(for: now)
        var best: Date?
        for offset in 0...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today) else { continue }
            let weekday = Self.local(day, calendar).day
            for window in windows where window.days.contains(weekday) {
                let wanted = DateComponents(hour: window.fromMinute / 60, minute: window.fromMinute % 60)
                // The first instant at or after the slot's local start on that day (a skipped hour moves it on).
                guard let start = calendar.nextDate(after: day.addingTimeInterval(-1), matching: wanted,
                                                    matchingPolicy: .nextTime),
                      start > now
                else { continue }
                if best == nil || start < best! { best = start }
            }
            if best != nil { break }
        }
        return best.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}
