import HeraldCore

/// `release.lua` as one typed call: entries a stopping worker read but will
/// not claim are acknowledged, deleted and queued again at their stream's
/// tail, so the next reader takes them at once and none stays pending.
public enum ReleaseTransition {
    /// What the script answers.
    public struct Reply: Sendable, Equatable {
        /// How many entries were given back (one another consumer took is left alone).
        public var released: Int

        init(_ value: RedisValue) throws {
            released = try value.count(of: "release.lua")
        }
    }

    /// The call for `entries` of the partition `keys`; an entry of a stream
    /// not among the partition's is left out.
    static func call(_ entries: [StreamEntry], keys: ChannelKeys, settings: StoreSettings)
        -> (keys: [String], arguments: [String])
    {
        let streams = keys.streams
        var arguments = [settings.consumerGroup]
        for entry in entries {
            guard let index = streams.firstIndex(of: entry.stream) else { continue }
            arguments += [String(index + 1), entry.entryID, entry.messageID]
        }
        return (streams, arguments)
    }
}
