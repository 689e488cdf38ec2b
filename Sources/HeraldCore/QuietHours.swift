import Foundation

/// The hours marketing must not wake anyone (default 21:00–08:00), in the
/// recipient's time zone. A marketing message due inside the window waits
/// for its end, spread over a ramp so the morning does not reach the
/// provider in one spike. Local times are computed with the zone's rules, so
/// the window ends at 08:00 local on the days clocks change too.
public struct QuietHours: Sendable, Equatable {
    /// Start and end, minutes after local midnight; the window may cross midnight.
    public let startMinute: Int
    public let endMinute: Int
    /// Messages held by the window are spread over this long after its end.
    public let rampMillis: Int64

    /// The longest window accepted: a longer one would hold marketing for most of the day.
    public static let maxMinutes = 20 * 60

    public init?(startMinute: Int, endMinute: Int, rampMillis: Int64 = 30 * 60_000) {
        guard (0..<1440).contains(startMinute), (0..<1440).contains(endMinute), startMinute != endMinute,
              (endMinute - startMinute + 1440) % 1440 <= Self.maxMinutes, rampMillis >= 0
        else { return nil }
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.rampMillis = rampMillis
    }

    /// Parses `HH:MM-HH:MM` (e.g. `21:00-08:00`); nil when malformed or longer than 20 h.
    public init?(parsing text: String, rampMillis: Int64 = 30 * 60_000) {
        let ends = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ clock: String) -> Int? {
            let parts = clock.split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
                  (0..<60).contains(minute)
            else { return nil }
            return hour * 60 + minute
        }
        guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]) else { return nil }
        self.init(startMinute: start, endMinute: end, rampMillis: rampMillis)
    }

    /// When the window that holds `nowMillis` ends, in `zone`; nil when `nowMillis` is outside it.
    public func windowEnd(containing nowMillis: Int64, in zone: TimeZone) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = Date(timeIntervalSince1970: Double(nowMillis) / 1000)
        let local = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (local.hour ?? 0) * 60 + (local.minute ?? 0)
        let inside = startMinute < endMinute
            ? minute >= startMinute && minute < endMinute
            : minute >= startMinute || minute < endMinute
        guard inside,
              let end = calendar.nextDate(
                after: now, matching: DateComponents(hour: endMinute / 60, minute: endMinute % 60, second: 0),
                matchingPolicy: .nextTime)
        else { return nil }
        return Int64((end.timeIntervalSince1970 * 1000).rounded())
    }
}
