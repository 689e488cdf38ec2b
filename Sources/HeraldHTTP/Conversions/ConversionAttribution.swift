import HeraldCore
import HeraldRedis
import Synchronization

/// Finds what caused a conversion and counts it there: the message named (by
/// id or by one of its short links), or the person's campaign touch — in the
/// campaign named, else the newest across campaigns (last touch) — whose
/// window holds it. A held-out person's conversion counts for the holdout.
final class ConversionAttribution: Sendable {
    /// What a conversion was attributed to, as `POST /v1/conversions` answers it.
    struct Answer: Decodable, Equatable {
        var attributedTo: String?
        var reason: String
        var counted: Bool
        var campaign: String?
        var variant: String?
        var event: String
        var replayed: Bool?

        enum CodingKeys: String, CodingKey {
            case reason, counted, campaign, variant, event, replayed
            case attributedTo = "attributed_to"
        }

        /// The reply's JSON, written by hand (this is the hot path of a
        /// conversions feed); absent links are `null`, `replayed` only on a repeat.
        var json: String {
            func optional(_ text: String?) -> String { text.map(JSONText.quoted) ?? "null" }
            return #"{"attributed_to":\#(optional(attributedTo)),"reason":"\#(reason)","counted":\#(counted),"#
                + #""campaign":\#(optional(campaign)),"variant":\#(optional(variant)),"event":\#(JSONText.quoted(event))"#
                + (replayed == true ? #","replayed":true}"# : "}")
        }
    }

    let conversions: ConversionStore
    let campaigns: CampaignStore
    let fingerprints: RecipientFingerprint
    /// Campaign definitions never change once made: each is read once.
    private let rules = Mutex<[String: CampaignConversion]>([:])

    init(conversions: ConversionStore, campaigns: CampaignStore, fingerprints: RecipientFingerprint) {
        self.conversions = conversions
        self.campaigns = campaigns
        self.fingerprints = fingerprints
    }

    /// The conversion rules of `campaign` (the standard ones without a campaign, or once it expired).
    func rules(of campaign: String?, nowMillis: Int64) async throws -> CampaignConversion {
        guard let campaign else { return .standard }
        if let known = rules.withLock({ $0[campaign] }) { return known }
        guard let record = try await campaigns.record(id: campaign, nowMillis: nowMillis) else { return .standard }
        let found = record.definition.conversionRules
        rules.withLock { $0[campaign] = found }
        return found
    }

    /// What each conversion is attributed to, counted there; or, when its
    /// idempotency key already holds a reply, that reply. Conversions are
    /// worked in stages shared by the whole batch, each one pipelined round
    /// trip: the idempotency keys with the people's touches and the short
    /// links; the named messages' campaigns; then rounds of counting, each
    /// conversion trying its next candidate (a person's touches, newest
    /// first) until one counts or none is left; last, the replies are kept
    /// under their idempotency keys.
    func attribute(_ batch: [Conversion], nowMillis: Int64) async throws -> [(answer: Answer?, kept: String?)] {
        var work = batch.map(Work.init)
        var people: [Int: UInt64] = [:]
        var commands: [[String]] = []
        /// What each reply of the first round trip answers.
        enum Read { case idempotency, touches, link }
        var slots: [(index: Int, read: Read)] = []
        for (index, item) in work.enumerated() {
            commands.append(ConversionStore.idempotencyCommand(item.conversion.idempotencyDigest))
            slots.append((index, .idempotency))
            switch item.conversion.target {
            case .person(let identity, _):
                let person = fingerprints.person(identity, scope: CampaignReleaser.touchScope)
                people[index] = person
                commands.append(ConversionStore.touchesCommand(person))
                slots.append((index, .touches))
            case .link(let code):
                commands.append(LinkStore.messageCommand(code))
                slots.append((index, .link))
            case .message: break
            }
        }
        let first = try await conversions.redis.pipeline(commands)
        for (slot, reply) in zip(slots, first) {
            let value = try reply.orThrow()
            switch slot.read {
            case .idempotency: work[slot.index].kept = value.string
            case .touches: work[slot.index].touches(ConversionStore.touches(value))
            case .link: work[slot.index].link(value.string.flatMap { $0.isEmpty ? nil : $0 })
            }
        }
        // The campaign of each message named outright (its rules depend on it).
        let named = work.indices.filter { work[$0].kept == nil && work[$0].needsCampaign }
        if !named.isEmpty {
            let replies = try await conversions.redis.pipeline(named.map { index in
                guard case .message(let id, _) = work[index].candidates[0] else { return ["PING"] }
                return ConversionStore.campaignCommand(messageID: id)
            })
            for (index, reply) in zip(named, replies) { work[index].named(try reply.orThrow()) }
        }
        for campaign in Set(work.flatMap { $0.candidates.compactMap(\.campaign) }) {
            _ = try await rules(of: campaign, nowMillis: nowMillis)
        }
        let known = rules.withLock { $0 }
        // Rounds: each conversion tries its next candidate until one counts or none is left.
        for _ in 0...CampaignReleaser.maxTouches {
            var messageCalls: [(index: Int, call: (keys: [String], arguments: [String]))] = []
            var holdoutCalls: [(index: Int, call: (keys: [String], arguments: [String]))] = []
            for index in work.indices where work[index].kept == nil && work[index].answer == nil {
                switch work[index].next(rules: known) {
                case .message(let id, let rules)?:
                    if let call = ConversionStore.countCall(work[index].conversion, messageID: id, rules: rules, nowMillis: nowMillis) {
                        messageCalls.append((index, call))
                    } else {
                        work[index].counted(.unknownMessage, campaign: nil, variant: nil)
                    }
                case .holdout(let campaign)?:
                    holdoutCalls.append((index, ConversionStore.holdoutCall(work[index].conversion, campaign: campaign,
                                                                         person: people[index] ?? 0)))
                case nil: break
                }
            }
            if messageCalls.isEmpty && holdoutCalls.isEmpty { break }
            let counted = try await conversions.redis.runMany(Scripts.conversion, calls: messageCalls.map(\.call))
            for ((index, _), reply) in zip(messageCalls, counted) {
                let outcome = try ConversionStore.countReply(reply)
                work[index].counted(outcome.outcome, campaign: outcome.campaign, variant: outcome.variant)
            }
            let held = try await conversions.redis.runMany(Scripts.conversionHoldout, calls: holdoutCalls.map(\.call))
            for ((index, _), reply) in zip(holdoutCalls, held) { work[index].heldOut(try ConversionStore.holdoutReply(reply)) }
        }
        return work.map { ($0.kept == nil ? $0.finished : nil, $0.kept) }
    }

    /// One conversion on its way through `attribute`.
    struct Work {
        let conversion: Conversion
        /// Where it may be counted, in the order tried.
        var candidates: [Candidate] = []
        var tried = 0
        var needsCampaign = false
        /// The reply under its idempotency key, when it is a repeat.
        var kept: String?
        /// The answer, once counted or out of candidates.
        var answer: Answer?
        /// The most telling reason a candidate did not count.
        var missed: Answer?
        var blank: Answer
        /// The reason a count is given: how the conversion named its message.
        var route: String

        enum Candidate {
            case message(id: String, campaign: String?)
            case holdout(campaign: String, atMillis: Int64)

            var campaign: String? {
                switch self {
                case .message(_, let campaign): campaign
                case .holdout(let campaign, _): campaign
                }
            }
        }

        enum Step {
            case message(String, CampaignConversion)
            case holdout(String)
        }

        /// Whether the conversion named its message (by id or short link) rather than a person.
        var namedMessage: Bool { route == "message_id" || route == "link_code" }

        /// The candidate tried last.
        var current: Candidate? { tried > 0 ? candidates[tried - 1] : nil }

        init(conversion: Conversion) {
            self.conversion = conversion
            blank = Answer(attributedTo: nil, reason: "", counted: false, campaign: nil, variant: nil, event: conversion.event,
                           replayed: nil)
            switch conversion.target {
            case .message(let id):
                candidates = [.message(id: id, campaign: nil)]
                needsCampaign = true
                route = "message_id"
            case .link:
                route = "link_code"
            case .person(_, let campaign):
                route = campaign == nil ? "last_touch" : "campaign_person"
                blank.campaign = campaign
            }
        }

        mutating func touches(_ touches: [ConversionStore.Touch]) {
            guard case .person(_, let campaign) = conversion.target else { return }
            for touch in touches where touch.atMillis <= conversion.occurredAtMillis && (campaign == nil || touch.campaign == campaign) {
                if let id = touch.messageID {
                    candidates.append(.message(id: id, campaign: touch.campaign))
                } else {
                    candidates.append(.holdout(campaign: touch.campaign, atMillis: touch.atMillis))
                }
            }
        }

        mutating func link(_ messageID: String?) {
            guard let messageID else {
                finish(reason: "unknown_link")
                return
            }
            candidates = [.message(id: messageID, campaign: nil)]
            needsCampaign = true
        }

        /// The named message's `HMGET status campaign`.
        mutating func named(_ reply: RedisValue) {
            let fields = reply.array
            guard case .message(let id, _)? = candidates.first, fields.first?.string != nil else {
                var answer = blank
                answer.reason = "unknown_message"
                self.answer = answer
                return
            }
            let campaign = fields.count > 1 ? fields[1].string : nil
            candidates[0] = .message(id: id, campaign: campaign)
            blank.campaign = campaign
        }

        /// The next candidate to count at, skipping those whose campaign does
        /// not count the event or whose holdout window has passed; nil (and
        /// the answer settled) when none is left.
        mutating func next(rules known: [String: CampaignConversion]) -> Step? {
            while tried < candidates.count {
                let candidate = candidates[tried]
                tried += 1
                let rules = candidate.campaign.flatMap { known[$0] } ?? .standard
                var attempt = blank
                attempt.campaign = candidate.campaign
                guard rules.counts(conversion.event) else {
                    attempt.reason = "event_not_counted"
                    missed = missed ?? attempt
                    continue
                }
                switch candidate {
                case .message(let id, _): return .message(id, rules)
                case .holdout(let campaign, let at):
                    guard conversion.occurredAtMillis <= at + rules.windowMillis else {
                        attempt.variant = CampaignVariant.holdoutName
                        attempt.reason = "outside_window"
                        missed = missed ?? attempt
                        continue
                    }
                    return .holdout(campaign)
                }
            }
            settle()
            return nil
        }

        private mutating func settle() {
            if var missed {
                missed.attributedTo = nil
                answer = missed
            } else if answer == nil {
                finish(reason: namedMessage ? "unknown_message" : "no_touch")
            }
        }

        private mutating func finish(reason: String) {
            var answer = blank
            answer.reason = reason
            self.answer = answer
        }

        /// What `conversion.lua` found at the last candidate tried.
        mutating func counted(_ outcome: ConversionStore.Outcome, campaign: String?, variant: String?) {
            guard case .message(let id, let known)? = current else { return }
            var attempt = blank
            attempt.campaign = campaign ?? known ?? blank.campaign
            attempt.variant = variant
            switch outcome {
            case .counted:
                attempt.attributedTo = id
                attempt.counted = true
                attempt.reason = route
                answer = attempt
            case .duplicate:
                attempt.attributedTo = id
                attempt.reason = "duplicate"
                answer = attempt
            case .unknownMessage, .unknownCampaign:
                // Expired since it was touched: an older touch may still hold it.
                if namedMessage {
                    attempt.reason = "unknown_message"
                    answer = attempt
                }
            case .outsideWindow, .notDelivered:
                attempt.reason = outcome.rawValue
                if namedMessage {
                    attempt.attributedTo = id
                    answer = attempt
                } else {
                    missed = missed ?? attempt
                }
            }
        }

        /// What `conversion_holdout.lua` found.
        mutating func heldOut(_ outcome: ConversionStore.Outcome) {
            guard case .holdout(let campaign, _)? = current else { return }
            var attempt = blank
            attempt.campaign = campaign
            attempt.variant = CampaignVariant.holdoutName
            switch outcome {
            case .counted:
                attempt.counted = true
                attempt.reason = CampaignVariant.holdoutName
                answer = attempt
            case .duplicate:
                attempt.reason = "duplicate"
                answer = attempt
            default: break
            }
        }

        /// The answer; a conversion still unsettled after every round has tried all it had.
        var finished: Answer {
            if let answer { return answer }
            var copy = self
            copy.settle()
            return copy.answer ?? blank
        }
    }
}
