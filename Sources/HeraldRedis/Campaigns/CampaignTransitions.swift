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

    /// What a release attempt got.
    public enum TakeReply: Sendable, Equatable {
        /// Records to turn into messages, held under `token` until acknowledged.
        /// `reclaimed`: a lease whose holder did not acknowledge it in time.
        case records(token: String, records: [String], reclaimed: Bool)
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
        // A release ends with its marker and token, after the records themselves.
        if parts.count >= 3, parts[parts.count - 2].string == "taken", let token = parts[parts.count - 1].string {
            parts.removeLast(2)
            return .records(token: token, records: parts.compactMap(\.string), reclaimed: false)
        }
        guard parts.count >= 2, let head = parts[0].string else {
            throw RedisError.unexpectedReply("campaign_take.lua returned \(value)")
        }
        switch head {
        case "reclaimed":
            guard parts.count == 3, let token = parts[1].string, let joined = parts[2].string else {
                throw RedisError.unexpectedReply("campaign_take.lua returned \(value)")
            }
            let records = joined.isEmpty ? [] : joined.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return .records(token: token, records: records, reclaimed: true)
        default:
            return .idle(state: head, detail: parts[1].string ?? "")
        }
    }

    static func ack(id: String, token: String, failed: Int, assigned: [String: Int], retentionSeconds: Int,
                    graceMillis: Int) -> (keys: [String], arguments: [String])
    {
        let campaign = CampaignKeys(id)
        var arguments = [id, token, String(failed), String(retentionSeconds), String(graceMillis)]
        for (group, count) in assigned.sorted(by: { $0.key < $1.key }) { arguments += [group, String(count)] }
        return ([campaign.campaign, campaign.leases, campaign.leaseDeadlines], arguments)
    }
}
