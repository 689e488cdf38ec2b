import HeraldCore

/// One stream entry: where it came from and the message it points to.
public struct StreamEntry: Sendable, Equatable {
    public var stream: String
    public var entryID: String
    public var messageID: String

    public init(stream: String, entryID: String, messageID: String) {
        self.stream = stream
        self.entryID = entryID
        self.messageID = messageID
    }

    /// Unique across streams: entry ids are only unique within one, and a
    /// batch written to every partition in the same millisecond gives the
    /// same ids in each.
    public var key: String { stream + " " + entryID }
}
