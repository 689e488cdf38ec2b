import HeraldCore

/// The campaign scripts as typed calls (`campaign_create.lua`,
/// `campaign_add.lua`, `campaign_state.lua`, `campaign_take.lua`,
/// `campaign_ack.lua`): keys and arguments built from named values, replies
/// read into the enums below, so no caller lays out positions.
public enum CampaignTransition {
    /// What creating a campaign found.
    public enum CreateReply: Sendable, Equatable {
        case created
        /// The same definition was there already: a repeat.
        case same(CampaignState)
        /// Another definition holds the id.
        case conflict(CampaignState)
    }

    /// What adding recipients did.
    public enum AddReply: Sendable, Equatable {
        case added(count: Int, duplicates: Int)
        case missing
        /// The campaign is completed or canceled.
        case closed(CampaignState)
    }

    /// What a control action did.
    public enum ControlReply: Sendable, Equatable {
        case changed(CampaignState)
        case missing
        /// Not legal in the current state.
        case illegal(CampaignState)
    }

    /// Where a campaign's winner test stands, as a release sees it.
    public enum WinnerMark: Sendable, Equatable {
        /// Undecided, or no winner test.
        case undecided
        /// The rest gets this variant.
        case decided(String)
        /// The rest gets nothing.
        case stopped

        init(_ text: String?) {
            switch text {
            case "!"?: self = .stopped
            case let text? where text.hasPrefix("="): self = .decided(String(text.dropFirst()))
            default: self = .undecided
            }
        }
    }

    /// What a release attempt got.
    public enum TakeReply: Sendable, Equatable {
        /// Records to turn into messages, held under `token` until acknowledged.
        /// `reclaimed`: a lease whose holder did not acknowledge it in time.
        case records(token: String, records: [String], reclaimed: Bool, winner: WinnerMark)
        /// Nothing to release now; the campaign's state (and the reason, or when it starts).
        case idle(state: String, detail: String)
    }

    static func state(_ value: RedisValue?) throws -> CampaignState {
        guard let text = value?.string, let state = CampaignState(rawValue: text) else {
            throw RedisError.unexpectedReply("campaign state \(String(describing: value))")
        }
        return state
    }

    static func create(_ definition: CampaignDefinition, nowMillis: Int64, ttlSeconds: Int)
        -> (keys: [String], arguments: [String])
    {
        let keys = CampaignKeys(definition.id)
        return ([keys.campaign, CampaignKeys.ids], [
            definition.id, definition.canonicalJSON, String(nowMillis), definition.channel.rawValue,
            String(definition.startAtMillis ?? 0), String(definition.endAtMillis ?? 0),
            String(definition.ratePerMinute ?? 0), String(definition.dailyCap ?? 0), String(ttlSeconds),
        ])
    }

    static func createReply(_ value: RedisValue) throws -> CreateReply {
        let parts = value.array
        switch parts.first?.string {
        case "created"?: return .created
        case "same"?: return .same(try state(parts.dropFirst().first))
        case "conflict"?: return .conflict(try state(parts.dropFirst().first))
        default: throw RedisError.unexpectedReply("campaign_create.lua returned \(value)")
        }
    }

    /// One recipient ready for `campaign_add.lua`.
    public typealias Addition = CampaignAddition

    /// The call adding `additions`, grouped by zone and, within a zone, by dedup set
    /// (a person number's top 12 bits), as `campaign_add.lua` reads them.
    static func add(id: String, _ additions: ArraySlice<Addition>, rejected: Int, ttlSeconds: Int)
        -> (keys: [String], arguments: [String])
    {
        let campaign = CampaignKeys(id)
        var byZone: [String: [UInt64: [Addition]]] = [:]
        for addition in additions { byZone[addition.zone, default: [:]][addition.person >> 51, default: []].append(addition) }
        var keys = [campaign.campaign, campaign.zones, campaign.dedupTTLMarks]
        var arguments = [String(ttlSeconds), String(rejected), id]
        arguments.reserveCapacity(3 + additions.count * 2 + byZone.count * 2 + 2 * min(additions.count, 4096))
        for (zone, sets) in byZone {
            keys.append(campaign.pending(zone: zone))
            arguments.append(zone)
            arguments.append(String(sets.count))
            for (set, members) in sets {
                arguments.append(String(set))
                arguments.append(String(members.count))
                for member in members { arguments.append(String(member.person)) }
                for member in members { arguments.append(member.packed) }
            }
        }
        return (keys, arguments)
    }

    static func addReply(_ value: RedisValue) throws -> AddReply {
        let parts = value.array
        switch parts.first?.string {
        case "ok"? where parts.count == 4:
            return .added(count: parts[2].integer ?? 0, duplicates: parts[3].integer ?? 0)
        case "missing"?: return .missing
        case "closed"?: return .closed(try state(parts.dropFirst().first))
        default: throw RedisError.unexpectedReply("campaign_add.lua returned \(value)")
        }
    }

    static func control(id: String, _ action: CampaignState.Action, templateReference: String?, retentionSeconds: Int,
                        ttlSeconds: Int) -> (keys: [String], arguments: [String])
    {
        ([CampaignKeys(id).campaign, CampaignKeys.active],
         [id, action.rawValue, templateReference ?? "", String(retentionSeconds), String(ttlSeconds)])
    }

    static func controlReply(_ value: RedisValue) throws -> ControlReply {
        let parts = value.array
        switch parts.first?.string {
        case "ok"?: return .changed(try state(parts.dropFirst().first))
        case "missing"?: return .missing
        case "illegal"?: return .illegal(try state(parts.dropFirst().first))
        default: throw RedisError.unexpectedReply("campaign_state.lua returned \(value)")
        }
    }

    /// A zone whose window is open: when it opened, and the share of the
    /// opening's ramp gone by (per 10,000; nil when the campaign has no ramp).
    public struct OpenZone: Sendable, Equatable {
        public var zone: String
        public var openedAtMillis: Int64
        public var rampShare: Int?

        public init(zone: String, openedAtMillis: Int64 = 0, rampShare: Int? = nil) {
            self.zone = zone
            self.openedAtMillis = openedAtMillis
            self.rampShare = rampShare
        }
    }

    static func take(id: String, want: Int, token: String, leaseMillis: Int, releasableShare: Int, localDay: String,
                     openZones: [OpenZone], retentionSeconds: Int, graceMillis: Int) -> (keys: [String], arguments: [String])
    {
        let campaign = CampaignKeys(id)
        let keys = [campaign.campaign, CampaignKeys.active, campaign.zones, campaign.leases, campaign.leaseDeadlines,
                    campaign.day(localDay), campaign.releaseRate, campaign.windowOpenings]
            + openZones.map { campaign.pending(zone: $0.zone) }
        let ramp = openZones.contains { $0.rampShare != nil }
        var arguments = [id, String(want), token, String(leaseMillis), String(releasableShare), String(retentionSeconds),
                         String(graceMillis), ramp ? "1" : "0"]
        for zone in openZones {
            arguments += [zone.zone, String(zone.openedAtMillis), String(zone.rampShare ?? 10_000)]
        }
        return (keys, arguments)
    }

    static func takeReply(_ value: RedisValue) throws -> TakeReply {
        var parts = value.array
        // A release ends with its marker, token and winner mark, after the records themselves.
        if parts.count >= 4, parts[parts.count - 3].string == "taken", let token = parts[parts.count - 2].string {
            let winner = WinnerMark(parts[parts.count - 1].string)
            parts.removeLast(3)
            return .records(token: token, records: parts.compactMap(\.string), reclaimed: false, winner: winner)
        }
        guard parts.count >= 2, let head = parts[0].string else {
            throw RedisError.unexpectedReply("campaign_take.lua returned \(value)")
        }
        switch head {
        case "reclaimed":
            guard parts.count == 4, let token = parts[1].string, let joined = parts[2].string else {
                throw RedisError.unexpectedReply("campaign_take.lua returned \(value)")
            }
            let records = joined.isEmpty ? [] : joined.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return .records(token: token, records: records, reclaimed: true, winner: WinnerMark(parts[3].string))
        default:
            return .idle(state: head, detail: parts[1].string ?? "")
        }
    }

    /// A person a release touched: their touch number, the campaign's message
    /// id (nil: held out) and when.
    public struct Touch: Sendable, Equatable {
        public var person: UInt64
        public var messageID: String?
        public var atMillis: Int64

        public init(person: UInt64, messageID: String?, atMillis: Int64) {
            self.person = person
            self.messageID = messageID
            self.atMillis = atMillis
        }
    }

    /// What a release did with its lease, for `campaign_ack.lua`.
    public struct Acknowledgement: Sendable {
        /// Recipients that could not become messages.
        public var failed = 0
        /// Recipients per experiment group.
        public var assigned: [String: Int] = [:]
        public var touches: [Touch] = []
        /// Records (with their zone) a winner test keeps aside for its decision.
        public var deferred: [(zone: String, record: String)] = []
        /// The day (`yyyymmdd`) the take counted against the daily cap, given back for what is kept aside.
        public var capDay: String?

        public init() {}
    }

    static func ack(id: String, token: String, _ done: Acknowledgement, touchTTLSeconds: Int, retentionSeconds: Int,
                    graceMillis: Int) -> (keys: [String], arguments: [String])
    {
        let campaign = CampaignKeys(id)
        var arguments = [id, token, String(done.failed), String(retentionSeconds), String(graceMillis),
                         String(touchTTLSeconds), String(done.assigned.count), String(done.touches.count),
                         String(done.deferred.count)]
        arguments.reserveCapacity(arguments.count + done.assigned.count * 2 + done.touches.count * 3 + done.deferred.count * 2)
        for (group, count) in done.assigned.sorted(by: { $0.key < $1.key }) { arguments += [group, String(count)] }
        for touch in done.touches {
            arguments.append(String(touch.person, radix: 16))
            arguments.append(id + "|" + (touch.messageID ?? CampaignVariant.holdoutName))
            arguments.append(String(touch.atMillis))
        }
        for (zone, record) in done.deferred {
            arguments.append(zone)
            arguments.append(record)
        }
        var keys = [campaign.campaign, campaign.leases, campaign.leaseDeadlines]
        if let day = done.capDay, !done.deferred.isEmpty { keys.append(campaign.day(day)) }
        return (keys, arguments)
    }

    /// What deciding a winner test did.
    public enum DecideReply: Sendable, Equatable {
        case decided(CampaignState)
        /// Decided before (by another instance, or by hand).
        case alreadyDecided(CampaignState)
        case illegal(CampaignState)
        case missing
    }

    static func decide(id: String, variant: String?, by: String, reason: String, awaitOnly: Bool = false,
                       retentionSeconds: Int, graceMillis: Int) -> (keys: [String], arguments: [String])
    {
        let campaign = CampaignKeys(id)
        return ([campaign.campaign, campaign.zones, campaign.restZones],
                [id, variant ?? "", by, reason, String(retentionSeconds), String(graceMillis), awaitOnly ? "await" : ""])
    }

    static func decideReply(_ value: RedisValue) throws -> DecideReply {
        let parts = value.array
        switch parts.first?.string {
        case "ok"?: return .decided(try state(parts.dropFirst().first))
        case "decided"?: return .alreadyDecided(try state(parts.dropFirst().first))
        case "illegal"?: return .illegal(try state(parts.dropFirst().first))
        case "missing"?: return .missing
        default: throw RedisError.unexpectedReply("campaign_winner.lua returned \(value)")
        }
    }
}
