import Foundation
import HeraldCore

/// A campaign as its hash stores it: the definition, the state and the
/// counters the campaign transitions keep.
public struct CampaignRecord: Sendable, Equatable {
    public var definition: CampaignDefinition
    public var state: CampaignState
    public var createdAtMillis: Int64
    public var stateAtMillis: Int64
    public var startedAtMillis: Int64?
    public var completedAtMillis: Int64?
    public var canceledAtMillis: Int64?
    /// The template version pinned when the campaign started.
    public var templateReference: String?
    /// Distinct people added.
    public var recipients: Int
    public var duplicates: Int
    public var rejected: Int
    /// Recipients turned into messages (or handed out to become them).
    public var released: Int
    /// Recipients that could not become a message (their data did not render).
    public var releaseFailed: Int
    /// Recipients never released: past `end_at`, or when the campaign was canceled.
    public var expired: Int
    public var canceled: Int
    /// Zone → recipients still pending in it.
    public var pendingByZone: [String: Int]
    /// Released in the last complete minute (six 10-second slots).
    public var releasedLastMinute: Int
    /// Recipients released into each experiment group (variant name, `holdout`).
    public var assigned: [String: Int]
    /// Each variant's template, pinned when the campaign started (variants only).
    public var variantTemplates: [String: String]

    /// Recipients a winner test keeps aside until its decision.
    public var deferred: Int
    /// Recipients of the rest never sent: the winner test stopped.
    public var withheld: Int
    /// When the winner test's share was first all released.
    public var testDoneAtMillis: Int64?
    /// The winner test's decision, once made.
    public var decision: WinnerDecision?
    /// When the due winner test found no winner and its `manual` fallback began waiting, and why.
    public var awaitingSinceMillis: Int64?
    public var awaitingReason: String?
    /// Conversions of held-out people, how many people they were, and their values in millionths by currency.
    public var holdoutConverted: Int
    public var holdoutConverters: Int
    public var holdoutValueMicros: [String: Int]

    /// A winner test's decision as the campaign hash records it.
    public struct WinnerDecision: Sendable, Equatable {
        /// The variant sent to the rest; nil when the rest was stopped.
        public var variant: String?
        public var atMillis: Int64
        /// `test`, `fallback` or `manual`.
        public var by: String
        public var reason: String
    }

    public var pending: Int { pendingByZone.values.reduce(0, +) }

    init?(fields: [String: String], zones: [String: String], rate: [String: String], nowMillis: Int64) {
        guard let spec = fields["spec"], let definition = CampaignDefinition(canonicalJSON: spec),
              let state = fields["state"].flatMap(CampaignState.init(rawValue:))
        else { return nil }
        func int(_ name: String) -> Int { fields[name].flatMap { Int($0) } ?? 0 }
        func millis(_ name: String) -> Int64? { fields[name].flatMap { Int64($0) } }
        self.definition = definition
        self.state = state
        createdAtMillis = millis("created_at") ?? 0
        stateAtMillis = millis("state_at") ?? 0
        startedAtMillis = millis("started_at")
        completedAtMillis = millis("completed_at")
        canceledAtMillis = millis("canceled_at")
        templateReference = fields["template_ref"]
        recipients = int("recipients")
        duplicates = int("duplicates")
        rejected = int("rejected")
        released = int("released")
        releaseFailed = int("release_failed")
        expired = int("expired")
        canceled = int("canceled")
        pendingByZone = zones.compactMapValues { Int($0) }.filter { $0.value > 0 }
        deferred = int("deferred")
        withheld = int("withheld")
        testDoneAtMillis = millis("test_done_at")
        decision = fields["winner_outcome"].map { outcome in
            WinnerDecision(variant: outcome == "stopped" ? nil : fields["winner"], atMillis: millis("winner_at") ?? 0,
                           by: fields["winner_by"] ?? "", reason: fields["winner_reason"] ?? "")
        }
        awaitingSinceMillis = millis("winner_awaiting")
        awaitingReason = awaitingSinceMillis == nil ? nil : fields["winner_reason"]
        holdoutConverted = int("converted:holdout")
        holdoutConverters = int("converters:holdout")
        assigned = [:]
        holdoutValueMicros = [:]
        for (field, value) in fields {
            if field.hasPrefix("assigned:") {
                assigned[String(field.dropFirst(9))] = Int(value) ?? 0
            } else if field.hasPrefix("conversion_value:holdout:") {
                holdoutValueMicros[String(field.dropFirst(25))] = Int(value) ?? 0
            }
        }
        variantTemplates = [:]
        if !definition.variants.isEmpty, let pinned = templateReference,
           let map = try? JSONDecoder().decode([String: String].self, from: Data(pinned.utf8))
        {
            variantTemplates = map
            templateReference = nil
        }
        let slot = nowMillis / 10_000
        releasedLastMinute = (1...6).reduce(0) { $0 + (rate[String(slot - Int64($1))].flatMap { Int($0) } ?? 0) }
    }
}
