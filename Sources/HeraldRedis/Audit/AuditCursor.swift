/// A position in the audit log across its streams: the stream id
/// (`<ms>-<seq>`) and the stream's tag, ordered by time, then sequence, then
/// tag, so two streams' entries of the same millisecond are neither skipped
/// nor repeated by a page boundary. Written `<ms>-<seq>.<tag>`.
public struct AuditCursor: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let millis: Int64
    public let sequence: Int64
    public let tag: String

    public init?(streamID: String, tag: String) {
        let parts = streamID.split(separator: "-")
        guard parts.count == 2, let millis = Int64(parts[0]), let sequence = Int64(parts[1]) else { return nil }
        self.millis = millis
        self.sequence = sequence
        self.tag = tag
    }

    /// Parses what `description` writes; nil for anything else.
    public init?(_ text: String) {
        guard let dot = text.firstIndex(of: "."), AuditTrail.tags.contains(String(text[text.index(after: dot)...]))
        else { return nil }
        self.init(streamID: String(text[..<dot]), tag: String(text[text.index(after: dot)...]))
    }

    public var streamID: String { "\(millis)-\(sequence)" }
    public var description: String { streamID + "." + tag }

    public static func < (lhs: AuditCursor, rhs: AuditCursor) -> Bool {
        (lhs.millis, lhs.sequence, lhs.tag) < (rhs.millis, rhs.sequence, rhs.tag)
    }
}
