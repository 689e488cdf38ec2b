import HeraldCore
import HeraldRedis
import Synchronization

/// Finds what caused a conversion and counts it there: the message named (by
/// id or by one of its short links), or the person's campaign touch — in the
/// campaign named, else the newest across campaigns (last touch) — whose
/// window holds it. A held-out person's conversion counts for the holdout.
final class ConversionAttribution: Sendable {
    /// What a conversion was attributed to, as `POST /v1/conversions` answers it.
    struct Answer: Codable, Equatable {
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

        /// Absent links are `null`, as the contract spells them; `replayed` only on a repeat.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attributedTo, forKey: .attributedTo)
            try container.encode(reason, forKey: .reason)
            try container.encode(counted, forKey: .counted)
            try container.encode(campaign, forKey: .campaign)
            try container.encode(variant, forKey: .variant)
            try container.encode(event, forKey: .event)
            try container.encodeIfPresent(replayed, forKey: .replayed)
        }
    }

    let conversions: ConversionStore
    let campaigns: CampaignStore
    let links: LinkStore
    let fingerprints: RecipientFingerprint
    /// Campaign definitions never change once made: each is read once.
    private let rules = Mutex<[String: CampaignConversion]>([:])

    init(conversions: ConversionStore, campaigns: CampaignStore, links: LinkStore, fingerprints: RecipientFingerprint) {
        self.conversions = conversions
        self.campaigns = campaigns
        self.links = links
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

    func attribute(_ conversion: Conversion, nowMillis: Int64) async throws -> Answer {
        var answer = Answer(attributedTo: nil, reason: "", counted: false, campaign: nil, variant: nil,
                            event: conversion.event, replayed: nil)
        switch conversion.target {
        case .message(let id):
            return try await countMessage(conversion, id: id, reason: "message_id", answer, nowMillis: nowMillis)
        case .link(let code):
            guard let link = try await links.target(code), let id = link.messageID else {
                answer.reason = "unknown_link"
                return answer
            }
            return try await countMessage(conversion, id: id, reason: "link_code", answer, nowMillis: nowMillis)
        case .person(let identity, let campaign):
            let person = fingerprints.person(identity, scope: CampaignReleaser.touchScope)
            var touches = try await conversions.touches(person: person)
            if let campaign { touches = touches.filter { $0.campaign == campaign } }
            var missed: Answer?
            for touch in touches where touch.atMillis <= conversion.occurredAtMillis {
                let rules = try await rules(of: touch.campaign, nowMillis: nowMillis)
                var attempt = answer
                attempt.campaign = touch.campaign
                guard rules.counts(conversion.event) else {
                    attempt.reason = "event_not_counted"
                    missed = missed ?? attempt
                    continue
                }
                guard let id = touch.messageID else {
                    attempt.variant = CampaignVariant.holdoutName
                    guard conversion.occurredAtMillis <= touch.atMillis + rules.windowMillis else {
                        attempt.reason = "outside_window"
                        missed = missed ?? attempt
                        continue
                    }
                    switch try await conversions.countHoldout(conversion, campaign: touch.campaign, person: person) {
                    case .counted:
                        attempt.reason = CampaignVariant.holdoutName
                        attempt.counted = true
                    case .duplicate: attempt.reason = "duplicate"
                    default:
                        attempt.reason = "no_touch"
                        missed = missed ?? attempt
                        continue
                    }
                    return attempt
                }
                let counted = try await countMessage(conversion, id: id, reason: campaign == nil ? "last_touch" : "campaign_person",
                                                     attempt, nowMillis: nowMillis, rules: rules)
                if counted.counted || counted.reason == "duplicate" { return counted }
                if counted.reason != "unknown_message" { missed = missed ?? counted }
            }
            if var missed {
                missed.attributedTo = nil
                return missed
            }
            answer.reason = "no_touch"
            answer.campaign = campaign
            return answer
        }
    }

    /// Counts against message `id` under its campaign's rules (or `rules`, when known).
    private func countMessage(_ conversion: Conversion, id: String, reason: String, _ answer: Answer, nowMillis: Int64,
                              rules known: CampaignConversion? = nil) async throws -> Answer
    {
        var answer = answer
        var rules = known
        if rules == nil {
            let found = try await conversions.campaign(ofMessage: id)
            guard found.exists else {
                answer.reason = "unknown_message"
                return answer
            }
            answer.campaign = found.campaign
            rules = try await self.rules(of: found.campaign, nowMillis: nowMillis)
        }
        guard let rules, rules.counts(conversion.event) else {
            answer.reason = "event_not_counted"
            return answer
        }
        let result = try await conversions.count(conversion, messageID: id, rules: rules, nowMillis: nowMillis)
        answer.campaign = result.campaign ?? answer.campaign
        answer.variant = result.variant
        switch result.outcome {
        case .counted:
            answer.attributedTo = id
            answer.counted = true
            answer.reason = reason
        case .duplicate:
            answer.attributedTo = id
            answer.reason = "duplicate"
        default:
            answer.reason = result.outcome.rawValue
        }
        return answer
    }
}
