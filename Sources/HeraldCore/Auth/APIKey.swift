/// A stored API key as Herald keeps it: who it is for, what it may do, and
/// the hash of its secret (`APIKeyToken.hash`), never the secret.
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var name: String
    public var scopes: Set<Scope>
    /// The channels it may send on; nil for every channel.
    public var channels: Set<Channel>?
    /// Requests a second across every instance; nil for no limit of its own.
    public var ratePerSecond: Int?
    public var expiresAtMillis: Int64?
    public var createdAtMillis: Int64
    /// The key id of whoever created it (`cli` for `herald keys create`).
    public var createdBy: String
    public var secretHash: String

    public init(id: String, name: String, scopes: Set<Scope>, channels: Set<Channel>?, ratePerSecond: Int?,
                expiresAtMillis: Int64?, createdAtMillis: Int64, createdBy: String, secretHash: String)
    {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.channels = channels
        self.ratePerSecond = ratePerSecond
        self.expiresAtMillis = expiresAtMillis
        self.createdAtMillis = createdAtMillis
        self.createdBy = createdBy
        self.secretHash = secretHash
    }

    public func isExpired(nowMillis: Int64) -> Bool {
        expiresAtMillis.map { nowMillis >= $0 } ?? false
    }

    /// A short, secret-free description for the audit log's before/after.
    public var summary: String {
        var parts = ["name=" + name, "scopes=" + scopes.sorted().map(\.rawValue).joined(separator: ",")]
        if let channels { parts.append("channels=" + channels.map(\.rawValue).sorted().joined(separator: ",")) }
        if let ratePerSecond { parts.append("rate_per_second=\(ratePerSecond)") }
        if let expiresAtMillis { parts.append("expires_at=" + RFC3339.format(millis: expiresAtMillis)) }
        return parts.joined(separator: " ")
    }
}
