import Foundation

/// Dates as mail headers and Twilio's API print them (RFC 2822 / 5322, UTC):
/// `Mon, 23 Nov 2026 02:10:00 +0000`.
public enum RFC2822Date {
    public static func string(from date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) +0000",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!,
            calendar: Calendar(identifier: .gregorian)))
    }
}
