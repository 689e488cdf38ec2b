import Foundation

/// The `yyyy-MM-dd HH:mm:ss` times of Umeng's `policy` (`expire_time`,
/// `start_time`). Umeng's API document does not name their time zone; Herald
/// writes Beijing time (UTC+8, which has no daylight saving), Umeng being a
/// service in China. This is an assumption, stated wherever it is used.
public enum UmengTime {
    /// UTC+8.
    static let zone = TimeZone(secondsFromGMT: 8 * 3_600)!

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// `millis` (Unix milliseconds) as Umeng's policy time.
    public static func format(millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(millis / 1_000))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// A policy time as Unix milliseconds; nil when it is not `yyyy-MM-dd HH:mm:ss`.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        let separators: [Int: UInt8] = [4: 0x2D, 7: 0x2D, 10: 0x20, 13: 0x3A, 16: 0x3A]
        guard bytes.count == 19 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if let separator = separators[index] {
                guard byte == separator else { return nil }
            } else if !(0x30...0x39).contains(byte) {
                return nil
            }
        }
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: bytes[range], as: UTF8.self))! }
        let components = DateComponents(
            year: number(0..<4), month: number(5..<7), day: number(8..<10),
            hour: number(11..<13), minute: number(14..<16), second: number(17..<19))
        guard (1...12).contains(components.month!), (1...31).contains(components.day!), components.hour! < 24,
              components.minute! < 60, components.second! < 60,
              let date = calendar.date(from: components)
        else { return nil }
        return Int64(date.timeIntervalSince1970) * 1_000
    }
}
