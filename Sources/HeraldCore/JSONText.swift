import Foundation

/// Pieces for JSON written by hand on hot paths (replies built as strings
/// instead of through JSONEncoder).
public enum JSONText {
    /// `value` as a JSON string literal, quotes included, correctly escaped.
    public static func quoted(_ value: String) -> String {
        let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
