import HeraldCore

/// What an audited transition needs to write its entry: where the entry goes
/// and how long entries are kept (`HERALD_AUDIT_RETENTION_DAYS`). Every
/// audited Lua script takes `arguments(actor)` as its first three ARGV.
public struct AuditTrail: Sendable, Equatable {
    public static let defaultRetentionDays = 400
    public var retentionMillis: Int64

    public init(retentionDays: Int = AuditTrail.defaultRetentionDays) {
        retentionMillis = Int64(retentionDays) * 86_400_000
    }

    /// The audit stream of one hash tag: entries live in the slot of what
    /// they record, so the change and its entry are one Lua transition even on
    /// a Redis Cluster.
    public static func stream(tag: String) -> String { "herald:{" + tag + "}:audit" }

    /// Every tag an audited change can live under: keys, templates, and each
    /// channel's suppressions.
    public static let tags = ["keys", "tpl"] + Channel.allCases.map(\.rawValue)

    public func arguments(_ actor: AuditActor) -> [String] {
        [String(retentionMillis), actor.id, actor.name]
    }
}
