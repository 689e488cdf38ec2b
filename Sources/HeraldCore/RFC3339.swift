import Foundation

/// RFC 3339 times as the API writes them (UTC, milliseconds): one formatter
/// for every reply that carries a time, so they all read alike.
public enum RFC3339 {
    public static func format(millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
