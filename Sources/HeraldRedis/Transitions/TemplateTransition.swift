import HeraldCore

/// `template_put.lua` and `template_delete.lua` as typed calls: a template
/// version appended only if nobody stored one since the caller read it
/// (compare-and-append, so two concurrent PUTs never both become N+1), or
/// every version deleted; each with its audit entry in the same script.
public enum TemplateTransition {
    /// What `template_put.lua` answers.
    public enum PutReply: Sendable, Equatable {
        /// Stored as this version.
        case stored(version: Int)
        /// Another version was stored since the caller read it: read again and retry.
        case conflict

        init(_ value: RedisValue) throws {
            switch value.integer {
            case .some(-1): self = .conflict
            case .some(let version) where version > 0: self = .stored(version: version)
            default: throw RedisError.unexpectedReply("template_put.lua returned \(value)")
            }
        }
    }

    /// What `template_delete.lua` answers.
    public enum DeleteReply: Int, Equatable, IntegerReply {
        /// Every version and its name are gone.
        case deleted = 1
        /// There was no such template.
        case missing = 0

        static let script = "template_delete.lua"
    }

    /// The call storing `json` as the version after `readVersion` (0: a new
    /// template) of `name`, keeping the last `keptVersions`.
    static func put(_ name: String, json: String, readVersion: Int, keptVersions: Int, audit: AuditTrail,
                    by actor: AuditActor) -> (keys: [String], arguments: [String])
    {
        ([TemplateStore.key(name), TemplateStore.names, TemplateStore.auditStream],
         audit.arguments(actor) + [String(readVersion), json, name, String(keptVersions)])
    }

    /// The call deleting `name` with every version.
    static func delete(_ name: String, audit: AuditTrail, by actor: AuditActor) -> (keys: [String], arguments: [String]) {
        ([TemplateStore.key(name), TemplateStore.names, TemplateStore.auditStream], audit.arguments(actor) + [name])
    }
}
