/// ISO 8601 durations of days and time (`P3D`, `PT4H`, `P1DT6H30M`,
/// `PT90S`), as campaigns give conversion windows and decision delays. Years,
/// months and weeks are refused: their length depends on the calendar, and a
/// window must mean the same span whenever it starts.
public enum ISODuration {
    /// The duration in milliseconds, or nil when `text` is not of that form.
    public static func millis(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        guard bytes.first == UInt8(ascii: "P") else { return nil }
        bytes = bytes.dropFirst()
        var total: Int64 = 0
        var inTime = false
        var sawUnit = false
        var lastRank = 0
        while let first = bytes.first {
            if first == UInt8(ascii: "T") {
                guard !inTime else { return nil }
                inTime = true
                bytes = bytes.dropFirst()
                guard !bytes.isEmpty else { return nil }
                continue
            }
            var number: Int64 = 0
            var digits = 0
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
                guard digits < 9 else { return nil }
                number = number * 10 + Int64(byte - 0x30)
                digits += 1
                bytes = bytes.dropFirst()
            }
            guard digits > 0, let unit = bytes.first else { return nil }
            bytes = bytes.dropFirst()
            let rank: Int
            let scale: Int64
            switch (unit, inTime) {
            case (UInt8(ascii: "D"), false): (rank, scale) = (1, 86_400_000)
            case (UInt8(ascii: "H"), true): (rank, scale) = (2, 3_600_000)
            case (UInt8(ascii: "M"), true): (rank, scale) = (3, 60_000)
            case (UInt8(ascii: "S"), true): (rank, scale) = (4, 1_000)
            default: return nil
            }
            guard rank > lastRank else { return nil }
            lastRank = rank
            sawUnit = true
            total += number * scale
        }
        return sawUnit ? total : nil
    }

    /// The shortest text of the form `millis` reads back from (`P3D`, `PT4H30M`).
    public static func format(millis: Int64) -> String {
        var rest = max(0, millis / 1000)
        let days = rest / 86_400
        rest %= 86_400
        var text = "P"
        if days > 0 { text += "\(days)D" }
        if rest > 0 || days == 0 {
            text += "T"
            let hours = rest / 3600, minutes = rest % 3600 / 60, seconds = rest % 60
            if hours > 0 { text += "\(hours)H" }
            if minutes > 0 { text += "\(minutes)M" }
            if seconds > 0 || (hours == 0 && minutes == 0) { text += "\(seconds)S" }
        }
        return text
    }
}
