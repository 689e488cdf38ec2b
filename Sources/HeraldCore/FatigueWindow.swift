import Foundation

/// One frequency cap on marketing to a person on a channel: at most `limit`
/// messages per calendar day, week (from Monday) or month, reset at local
/// midnight in the person's time zone, or per rolling period (a token bucket
/// that refills continuously). Written `1/day`, `3/week`, `4/month`, `5/24h`, `10/7d`.
public struct FatigueWindow: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Period: Sendable, Equatable, Hashable {
        case day, week, month
        /// A rolling window of this many milliseconds.
        case rolling(millis: Int64)
    }

    /// Messages allowed within the period.
    public let limit: Int
    public let period: Period
    /// How the period was written (`day`, `24h`, `7d`): what keys, events and the API show.
    let unit: String

    public init?(limit: Int, period: Period) {
        let unit = switch period {
        case .day: "day"
        case .week: "week"
        case .month: "month"
        case .rolling(let millis): "\(millis / 3_600_000)h"
        }
        self.init(limit: limit, period: period, unit: unit)
    }

    init?(limit: Int, period: Period, unit: String) {
        guard limit > 0 else { return nil }
        if case .rolling(let millis) = period, millis < 3_600_000 { return nil }
        self.limit = limit
        self.period = period
        self.unit = unit
    }

    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/")
        guard parts.count == 2, let limit = Int(parts[0]) else { return nil }
        let unit = String(parts[1])
        let period: Period
        switch unit {
        case "day": period = .day
        case "week": period = .week
        case "month": period = .month
        default:
            guard let last = unit.last, let amount = Int64(unit.dropLast()), amount > 0 else { return nil }
            switch last {
            case "h": period = .rolling(millis: amount * 3_600_000)
            case "d": period = .rolling(millis: amount * 86_400_000)
            default: return nil
            }
        }
        self.init(limit: limit, period: period, unit: unit)
    }

    /// A comma-separated list (`1/day,3/week`); nil when any part is malformed.
    public static func list(parsing text: String) -> [FatigueWindow]? {
        let windows = text.split(separator: ",").map { FatigueWindow(parsing: String($0)) }
        guard !windows.isEmpty, windows.allSatisfy({ $0 != nil }) else { return nil }
        return windows.compactMap { $0 }
    }

    public var description: String { "\(limit)/\(unit)" }

    /// Where this window's count lives at `nowMillis` and what bounds it: a
    /// calendar window's current period (its name and when it ends, in `zone`),
    /// or a rolling window's name and length. The name leaves out the limit, so
    /// a campaign with its own cap counts the same messages as the channel's.
    public func slot(at nowMillis: Int64, in zone: TimeZone) -> (name: String, isCalendar: Bool, bound: Int64) {
        let component: Calendar.Component
        switch period {
        case .rolling(let millis): return ("r" + unit, false, millis)
        case .day: component = .day
        case .week: component = .weekOfYear
        case .month: component = .month
        }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let now = Date(timeIntervalSince1970: Double(nowMillis) / 1000)
        guard let interval = calendar.dateInterval(of: component, for: now) else { return (description, false, 86_400_000) }
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = zone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd"
        let start = formatter.string(from: interval.start)
        return (unit + ":" + start, true, Int64((interval.end.timeIntervalSince1970 * 1000).rounded()))
    }
}
