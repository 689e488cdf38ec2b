import HeraldCore

/// `suppression_put.lua` and `suppression_lift.lua` as typed calls: a
/// suppression entry added (or replaced) or lifted, each with its audit entry
/// in the same script, in the channel's slot. Both run at maxmemory: an
/// opt-out a recipient asked for is never refused.
public enum SuppressionTransition {
    /// Who an entry is for: a recipient (by fingerprint) on one channel, or a
    /// user (by the `user_id` messages carry) in one channel's hash.
    enum Subject {
        case recipient(fingerprint: String, on: Channel)
        case user(String, on: Channel)

        /// The hash, the field in it, and the audit entry's target.
        var layout: (hash: String, field: String, target: String, channel: Channel) {
            switch self {
            case .recipient(let fingerprint, let channel):
                (ChannelKeys(channel).suppressions, fingerprint, channel.rawValue + ":" + fingerprint, channel)
            case .user(let id, let channel):
                (ChannelKeys(channel).suppressedUsers, id, "user:" + id, channel)
            }
        }
    }

    /// What `suppression_put.lua` answers.
    public enum PutReply: Int, Equatable, IntegerReply {
        /// There was no entry before.
        case added = 1
        /// There was one: replaced, or the same (then no audit entry is written).
        case existed = 0

        static let script = "suppression_put.lua"
    }

    /// The call adding `entry` (`Suppression.stored`) for `subject`; with
    /// `event` (the fields of an `unsubscribed` status event, a JSON object)
    /// the event goes to the channel's outbox in the same script.
    static func put(_ subject: Subject, entry: String, audit: AuditTrail, by actor: AuditActor, event: String? = nil)
        -> (keys: [String], arguments: [String])
    {
        let (hash, field, target, channel) = subject.layout
        return ([hash, AuditTrail.stream(tag: channel.rawValue)], audit.arguments(actor) + [field, entry, target, event ?? ""])
    }

    /// What `suppression_lift.lua` answers.
    public enum LiftReply: Int, Equatable, IntegerReply {
        /// The entry is gone.
        case lifted = 1
        /// There was no entry, or its reason is not one that may be lifted.
        case kept = 0

        static let script = "suppression_lift.lua"
    }

    /// The call lifting `subject`'s entry, only when its reason is one of
    /// `reasons` (any, when empty): a START cannot lift what an operator or a bounce put there.
    static func lift(_ subject: Subject, onlyIf reasons: [Suppression.Reason], audit: AuditTrail, by actor: AuditActor)
        -> (keys: [String], arguments: [String])
    {
        let (hash, field, target, channel) = subject.layout
        return ([hash, AuditTrail.stream(tag: channel.rawValue)],
                audit.arguments(actor) + [field, target, reasons.map(\.rawValue).joined(separator: " ")])
    }
}
