import HeraldCore

/// `key_create.lua` and `key_revoke.lua` as typed calls: an API key's record
/// (its secret's hash, never the secret) and id stored, or dropped, each with
/// its audit entry in the same script.
public enum KeyTransition {
    /// What `key_create.lua` answers.
    public enum CreateReply: Int, Equatable, IntegerReply {
        /// Stored, with its id in the list.
        case created = 1
        /// A key with that id exists; nothing was written (the caller draws another id).
        case idTaken = 0

        static let script = "key_create.lua"
    }

    /// The call storing `key`; its record is dropped `keptAfterExpiryMillis`
    /// after it expires (never, without `expiresAtMillis`).
    static func create(_ key: APIKey, keptAfterExpiryMillis: Int64, audit: AuditTrail, by actor: AuditActor)
        -> (keys: [String], arguments: [String])
    {
        var fields = ["name", key.name, "scopes", key.scopes.sorted().map(\.rawValue).joined(separator: " "),
                      "created_at", String(key.createdAtMillis), "created_by", key.createdBy,
                      "secret_sha256", key.secretHash]
        if let channels = key.channels { fields += ["channels", channels.map(\.rawValue).sorted().joined(separator: " ")] }
        if let rate = key.ratePerSecond { fields += ["rate_per_second", String(rate)] }
        if let expires = key.expiresAtMillis { fields += ["expires_at", String(expires)] }
        let dropAt = key.expiresAtMillis.map { String($0 + keptAfterExpiryMillis) } ?? ""
        return ([KeyStore.key(key.id), KeyStore.ids, KeyStore.auditStream],
                audit.arguments(actor) + [key.id, key.summary, dropAt] + fields)
    }

    /// What `key_revoke.lua` answers.
    public enum RevokeReply: Int, Equatable, IntegerReply {
        /// Its record and id are gone: every instance refuses it on its next look.
        case revoked = 1
        /// There was no such key.
        case missing = 0

        static let script = "key_revoke.lua"
    }

    /// The call revoking the key `id`.
    static func revoke(_ id: String, audit: AuditTrail, by actor: AuditActor) -> (keys: [String], arguments: [String]) {
        ([KeyStore.key(id), KeyStore.ids, KeyStore.auditStream], audit.arguments(actor) + [id])
    }
}
