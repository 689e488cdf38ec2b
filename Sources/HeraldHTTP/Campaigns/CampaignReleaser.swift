import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import Logging
import Synchronization

/// Turns campaign recipients into messages as each campaign's pacing admits
/// them. Every API instance runs one; they share the work through
/// `campaign_take.lua` (the campaign's token bucket, daily cap, batches and
/// leases live in Redis), so the pace is the campaign's whatever the number
/// of instances. A recipient's message has an id derived from campaign and
/// person and goes through the same rendering, validation and enqueue as
/// `POST /v1/messages`, so a lease handed out again after a crash stores
/// nothing twice.
public final class CampaignReleaser: Sendable {
    let campaigns: CampaignStore
    let messages: MessageStore
    let templates: TemplateResolver
    let validator: MessageValidator
    let shortener: LinkShortener
    /// The counters a winner test is decided on.
    let stats: StatsStore
    let metrics: HeraldMetrics
    let logger: Logger
    /// How often every active campaign is looked at.
    let tickMillis: Int
    /// How long a lease may stay unacknowledged before another instance takes it over.
    let leaseMillis: Int
    /// Over how long an unpaced campaign spreads what a zone has pending when its window opens.
    let rampMillis: Int
    /// How long a running campaign with nothing pending waits, after its start
    /// and its last import, before it completes.
    let completionGraceMillis: Int
    /// The most recipients one take releases.
    static let takeSize = 500
    /// Takes per campaign per tick, so one fast campaign cannot starve the others.
    static let takesPerTick = 40

    private let stopped = Atomic<Bool>(false)
    private let counter = Atomic<Int>(0)
    private let ticks = Atomic<Int>(0)
    private let instance = UUID().uuidString.prefix(8)
    /// What a release needs of a started campaign, known for good once it started.
    struct Plan: Sendable {
        var definition: CampaignDefinition
        /// The pinned template (single content).
        var template: String?
        /// Each variant's pinned template, by name.
        var variantTemplates: [String: String]
        var createdAt: Int64
    }

    private let definitions = Mutex<[String: Plan]>([:])
    /// Campaigns whose winner test this instance saw decided.
    private let decided = Mutex<Set<String>>([])

    init(campaigns: CampaignStore, messages: MessageStore, templates: TemplateResolver, validator: MessageValidator,
         shortener: LinkShortener, stats: StatsStore, metrics: HeraldMetrics, logger: Logger, tickMillis: Int = 100, leaseMillis: Int = 30_000,
         completionGraceMillis: Int = 10_000, rampMillis: Int = 10 * 60_000)
    {
        self.rampMillis = rampMillis
        self.completionGraceMillis = completionGraceMillis
        self.campaigns = campaigns
        self.messages = messages
        self.templates = templates
        self.validator = validator
        self.shortener = shortener
        self.stats = stats
        self.metrics = metrics
        self.logger = logger
        self.tickMillis = tickMillis
        self.leaseMillis = leaseMillis
    }

    /// Stops the loop after the release in progress.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Releases until `stop` is called or the task is cancelled.
    public func run() async {
        while !stopped.load(ordering: .relaxed), !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.warning("campaign release failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(tickMillis))
        }
    }

    /// One pass over every active campaign.
    func tick() async throws {
        let active = try await campaigns.active()
        // A canceled campaign stays in the active set for days (for the workers);
        // it is looked at once a minute, to be dropped when its time is up.
        let round = ticks.wrappingAdd(1, ordering: .relaxed).newValue
        let checkCanceled = round % max(1, 60_000 / tickMillis) == 0
        for (id, state) in active.sorted(by: { $0.key < $1.key }) where !stopped.load(ordering: .relaxed) {
            if state == CampaignState.canceled.rawValue, !checkCanceled { continue }
            try await release(id)
        }
    }

    private func plan(_ id: String) async throws -> Plan? {
        if let known = definitions.withLock({ $0[id] }) { return known }
        guard let record = try await campaigns.record(id: id, nowMillis: WallClock.nowMillis()) else { return nil }
        // Known for good once started: the pinned templates no longer change.
        let plan = Plan(definition: record.definition, template: record.templateReference ?? record.definition.template,
                        variantTemplates: record.variantTemplates, createdAt: record.createdAtMillis)
        if record.state != .draft { definitions.withLock { $0[id] = plan } }
        return plan
    }

    /// Releases of one campaign in flight at once: one is rendered and
    /// stored while the next is taken, so Redis and this process overlap.
    static let parallelTakes = 2

    private func release(_ id: String) async throws {
        guard let plan = try await plan(id) else { return }
        if plan.definition.winnerTest != nil, !decided.withLock({ $0.contains(id) }) { try await decideIfDue(id, plan) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.parallelTakes {
                group.addTask { try await self.release(id, plan) }
            }
            try await group.waitForAll()
        }
    }

    private func release(_ id: String, _ plan: Plan) async throws {
        let definition = plan.definition
        let defaultZone = TimeZone(identifier: definition.timezone) ?? TimeZone(identifier: "UTC")!
        let schedule = definition.schedule
        // Unpaced, a window's opening is spread over the ramp; a rate spreads it already.
        let ramps = definition.ratePerMinute == nil && !schedule.isAlwaysOpen
        for _ in 0..<(Self.takesPerTick / Self.parallelTakes) {
            let now = WallClock.nowMillis()
            let zones = try await campaigns.zones(id: id)
            let open = zones.compactMap { zone -> CampaignTransition.OpenZone? in
                let timeZone = TimeZone(identifier: zone) ?? defaultZone
                guard ramps else {
                    return schedule.isOpen(atMillis: now, in: timeZone) ? CampaignTransition.OpenZone(zone: zone) : nil
                }
                guard let opened = schedule.currentOpening(atMillis: now, in: timeZone) else { return nil }
                let share = Int(min(10_000, max(1, (now - opened) * 10_000 / Int64(max(1, rampMillis)))))
                return CampaignTransition.OpenZone(zone: zone, openedAtMillis: opened, rampShare: share)
            }
            let token = "\(instance)-\(counter.wrappingAdd(1, ordering: .relaxed).newValue)"
            let reply = try await campaigns.take(
                id: id, want: Self.takeSize, token: token, leaseMillis: leaseMillis,
                releasableShare: definition.releasableShare(atMillis: now), localDay: Self.day(now, defaultZone),
                openZones: open, graceMillis: completionGraceMillis)
            guard case .records(let lease, let records, let reclaimed, let winner) = reply else {
                if case .idle(let state, _) = reply, state == "completed" || state == "canceled" || state == "missing" {
                    definitions.withLock { _ = $0.removeValue(forKey: id) }
                }
                return
            }
            if reclaimed {
                logger.notice("campaign lease taken over from an instance that did not finish it",
                              metadata: ["campaign": "\(id)", "recipients": "\(records.count)"])
            }
            var outcome = try await enqueue(records, plan, winner: winner)
            if definition.dailyCap != nil { outcome.done.capDay = Self.day(now, defaultZone) }
            try await campaigns.acknowledge(id: id, token: lease, outcome.done, graceMillis: completionGraceMillis)
            metrics.campaignReleased(definition.channel, count: outcome.stored)
            if records.count < Self.takeSize { return }
        }
    }

    /// Decides a campaign's winner test once its test share is released and
    /// `decide_after` has passed: the leader when it is significantly better
    /// than every other variant, else as the fallback says (the variant with
    /// the highest observed rate, nothing for the rest, or a person's
    /// choice). The test is looked at once, when due: looking again and again
    /// until p dips below α would find winners among equals far more often
    /// than α. Every instance may try; `campaign_winner.lua` keeps the first.
    func decideIfDue(_ id: String, _ plan: Plan) async throws {
        guard let test = plan.definition.winnerTest else { return }
        let now = WallClock.nowMillis()
        guard let record = try await campaigns.record(id: id, nowMillis: now) else { return }
        if record.decision != nil || record.awaitingSinceMillis != nil || record.state.isFinal {
            decided.withLock { _ = $0.insert(id) }
            return
        }
        guard let done = record.testDoneAtMillis, now >= done + test.decideAfterMillis else { return }
        let counts = try await CampaignResults.load(record, stats: stats, nowMillis: now)
        let results = CampaignResults(record, stats: counts, metric: test.metric, nowMillis: now)
        let names = results.variantNames
        let variant: String?
        let by: String
        let reason: String
        if let judgement = results.judgement, judgement.significant {
            (variant, by, reason) = (names[judgement.leader], "test", results.winner.reason)
        } else {
            switch test.fallback {
            case .manual:
                // Looked at once: it waits for a person now, and is not judged again.
                _ = try await campaigns.decide(id: id, variant: nil, by: "manual",
                                               reason: results.winner.reason + "; the fallback waits for POST …/winner",
                                               awaitOnly: true, graceMillis: completionGraceMillis)
                decided.withLock { _ = $0.insert(id) }
                return
            case .best:
                let leader = results.judgement?.leader ?? 0
                (variant, by) = (names[leader], "fallback")
                reason = results.winner.reason + "; the fallback sends the highest observed \(test.metric.rawValue), \(names[leader])"
            case .stop:
                (variant, by) = (nil, "fallback")
                reason = results.winner.reason + "; the fallback stops: the rest is not sent"
            }
        }
        let reply = try await campaigns.decide(id: id, variant: variant, by: by, reason: reason,
                                               graceMillis: completionGraceMillis)
        if case .decided = reply {
            logger.info("campaign winner test decided",
                        metadata: ["campaign": "\(id)", "variant": "\(variant ?? "none")", "by": "\(by)"])
        }
        decided.withLock { _ = $0.insert(id) }
    }

    /// `yyyymmdd` of `millis` in `zone`: the day the daily cap counts in.
    static func day(_ millis: Int64, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(millis) / 1000))
        return String((parts.year ?? 0) * 10_000 + (parts.month ?? 0) * 100 + (parts.day ?? 0))
    }

    /// Makes and stores the messages of `records`: how many were stored, and
    /// for the acknowledgement how many could not become one (their data did
    /// not render or validate), how many went to each experiment group (a
    /// held-out person gets no message), each person's touch, and the rest a
    /// winner test keeps aside until its decision. Throws, leaving the lease
    /// unacknowledged to be taken over, when the store refused.
    func enqueue(_ records: [String], _ plan: Plan, winner: CampaignTransition.WinnerMark = .undecided) async throws
        -> (stored: Int, done: CampaignTransition.Acknowledgement)
    {
        let definition = plan.definition
        let experiment = !definition.variants.isEmpty || definition.holdoutPercent > 0
        var done = CampaignTransition.Acknowledgement()
        let now = WallClock.nowMillis()
        var built: [NewMessage] = []
        built.reserveCapacity(records.count)
        var touched: [UInt64] = []
        touched.reserveCapacity(records.count)
        var latest: [String: Int] = [:]
        let fingerprints = messages.settings.fingerprints
        for record in records {
            guard let (person, recipient) = CampaignRecipient.unpack(record) else {
                done.failed += 1
                continue
            }
            var request = MessageRequest(channel: definition.channel.rawValue, to: recipient.to, content: definition.content)
            request.template = plan.template
            var variant: String?
            if experiment {
                switch definition.group(of: person) {
                case .holdout:
                    done.assigned[CampaignVariant.holdoutName, default: 0] += 1
                    done.touches.append(.init(person: Self.touchNumber(recipient, definition.channel, fingerprints),
                                              messageID: nil, atMillis: now))
                    continue
                case .variant(let index) where !definition.variants.isEmpty:
                    var chosen = definition.variants[index]
                    if let test = definition.winnerTest, !test.isTest(person) {
                        // The rest: kept aside until the decision, then sent the winner.
                        guard case .decided(let name) = winner,
                              let winning = definition.variants.first(where: { $0.name == name })
                        else {
                            done.deferred.append((recipient.timezone ?? definition.timezone, record))
                            continue
                        }
                        chosen = winning
                        variant = CampaignVariant.restName
                    } else {
                        variant = chosen.name
                    }
                    request.content = chosen.content
                    request.template = chosen.template.map { plan.variantTemplates[chosen.name] ?? $0 }
                    done.assigned[variant!, default: 0] += 1
                case .variant:
                    done.assigned[CampaignVariant.mainGroupName, default: 0] += 1
                }
            }
            request.category = definition.category.rawValue
            request.campaign = definition.id
            request.userID = recipient.userID
            request.locale = recipient.locale
            request.timezone = recipient.timezone ?? definition.timezone
            request.toEncryption = recipient.toEncryption
            request.toKeyID = recipient.toKeyID
            request.expiresAt = definition.endAtMillis.map { RFC3339.format(millis: $0) }
            if let data = recipient.dataJSON,
               case .object(let object)? = Array(data.utf8).withUnsafeBytes({ JSONParser.parse($0) })
            {
                request.data = object
            }
            do {
                let rendered = try await templates.render(request, latest: &latest)
                var message = try validator.validate(request, rendered: rendered, nowMillis: now)
                message.variant = variant
                let seed = person &* 0x9E37_79B9_7F4A_7C15 ^ ChannelPartitions.stableHash(definition.id)
                message.presetID = MessageID.derived(
                    channel: definition.channel,
                    partition: messages.settings.partitions.pick(idempotencyKey: "campaign:\(definition.id):\(person)"),
                    millis: plan.createdAt, seed: seed)
                built.append(message)
                touched.append(Self.touchNumber(recipient, definition.channel, fingerprints))
            } catch let error as APIError {
                done.failed += 1
                logger.debug("campaign recipient could not become a message",
                             metadata: ["campaign": "\(definition.id)", "code": "\(error.code)",
                                        "field": "\(error.field ?? "")"])
            }
        }
        if built.contains(where: \.shortenLinks) {
            try await shortener.shorten(&built, nowMillis: now)
            for index in built.indices { try validator.countSegments(&built[index]) }
        }
        for result in try await messages.enqueue(built, nowMillis: now) {
            if case .refused(_, let refusal) = result {
                throw APIError(status: 503, code: refusal.code, message: "the message store refused a campaign's messages")
            }
        }
        for (message, touch) in zip(built, touched) {
            done.touches.append(.init(person: touch, messageID: message.presetID, atMillis: now))
        }
        return (built.count, done)
    }

    /// The number a person's touches are kept under (not reckoned for those kept aside, who have none yet).
    static func touchNumber(_ recipient: CampaignRecipient, _ channel: Channel, _ fingerprints: RecipientFingerprint) -> UInt64 {
        fingerprints.person(recipient.identity(on: channel), scope: touchScope)
    }

    /// The scope of a person's touch number: one across campaigns, so the
    /// last touch of a person can be found whatever the campaign.
    public static let touchScope = "touch"
    /// How many of a person's newest touches are kept (`HERALD_CMP_TOUCHES` in lib_campaigns.lua).
    static let maxTouches = 16
}
