/// Every Redis key of the campaigns: all under the one hash tag `{cmp}`, so
/// each campaign transition is atomic over the campaign, its audience and
/// the shared active set, on one server or one Cluster slot.
public struct CampaignKeys: Sendable, Equatable {
    public static let prefix = "herald:{cmp}:"
    /// Every campaign id by creation time, for the paged list.
    public static let ids = prefix + "ids"
    /// Campaign id → state, for every campaign not over (and canceled ones for
    /// a few minutes): what releasers and workers poll.
    public static let active = prefix + "active"

    public let id: String

    public init(_ id: String) {
        self.id = id
    }

    public var campaign: String { Self.prefix + "c:" + id }
    /// Zone → recipients pending in it.
    public var zones: String { Self.prefix + "z:" + id }
    public func pending(zone: String) -> String { Self.prefix + "p:" + id + ":" + zone }
    /// Ids of released messages a worker held back while the campaign was paused, promoted on resume.
    public var held: String { Self.prefix + "h:" + id }
    /// A bitmap of the dedup sets that have their TTL, so each gets it once.
    public var dedupTTLMarks: String { Self.prefix + "dt:" + id }
    /// Zone → `opening:pending then:released since` of its window's ramp.
    public var windowOpenings: String { Self.prefix + "zo:" + id }
    /// Lease token → the records it holds.
    public var leases: String { Self.prefix + "l:" + id }
    /// Lease token → deadline ms.
    public var leaseDeadlines: String { Self.prefix + "lt:" + id }
    /// Sends released per 10-second slot, for the current rate.
    public var releaseRate: String { Self.prefix + "rt:" + id }
    /// Sends released on a calendar day (`yyyymmdd` in the campaign's zone), for the daily cap.
    public func day(_ day: String) -> String { Self.prefix + "day:" + id + ":" + day }
    /// Zone → recipients a winner test keeps aside until its decision.
    public var restZones: String { Self.prefix + "rz:" + id }
    /// The records of a zone kept aside until the decision.
    public func rest(zone: String) -> String { Self.prefix + "r:" + id + ":" + zone }
    /// `<event>|<person>` → when, for each conversion of a held-out person counted.
    public var holdoutConversions: String { Self.prefix + "hc:" + id }
    /// A person's newest campaign touches (`<campaign>|<message id or holdout>` by
    /// release ms), keyed by their touch number in hex: what a conversion
    /// naming only the person is attributed by.
    public static func touches(person: UInt64) -> String { prefix + "t:" + String(person, radix: 16) }
}
