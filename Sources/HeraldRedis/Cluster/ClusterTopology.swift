/// Which node serves each of the 16384 slots, read from `CLUSTER SLOTS`.
/// Nodes are named `host:port`; a node that reports an empty host is the one
/// that was asked.
struct ClusterTopology: Sendable {
    private(set) var owners: [String?] = Array(repeating: nil, count: HashSlot.count)

    /// The masters, in slot order.
    var masters: [String] {
        var seen: [String] = []
        for owner in owners.compactMap({ $0 }) where !seen.contains(owner) { seen.append(owner) }
        return seen
    }

    func owner(of slot: Int) -> String? { owners[slot] }

    mutating func assign(_ slot: Int, to node: String) { owners[slot] = node }

    /// Parses a `CLUSTER SLOTS` reply; nil when it is not one.
    init?(clusterSlots reply: RedisValue, askedHost: String) {
        guard case .array(let ranges) = reply, !ranges.isEmpty else { return nil }
        for range in ranges {
            let parts = range.array
            guard parts.count >= 3, let start = parts[0].integer, let end = parts[1].integer,
                  (0..<HashSlot.count).contains(start), (start..<HashSlot.count).contains(end)
            else { return nil }
            let master = parts[2].array
            guard master.count >= 2, let port = master[1].integer else { return nil }
            let host = master[0].string.flatMap { $0.isEmpty || $0 == "?" ? nil : $0 } ?? askedHost
            for slot in start...end { owners[slot] = "\(host):\(port)" }
        }
    }

    init() {}
}
