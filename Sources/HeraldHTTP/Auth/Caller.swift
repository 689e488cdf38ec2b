import HeraldCore

/// Who is calling `/v1`: the key that authenticated the request, with what
/// it may do. Handlers read it from `HeraldRequestContext` to check a
/// channel restriction and to name the actor of an audited change.
public struct Caller: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Set<Scope>
    /// The channels it may send on; nil for every channel.
    public let channels: Set<Channel>?
    /// Its own request rate across every instance; nil for none.
    public let ratePerSecond: Int?

    public init(id: String, name: String, scopes: Set<Scope>, channels: Set<Channel>? = nil, ratePerSecond: Int? = nil) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.channels = channels
        self.ratePerSecond = ratePerSecond
    }

    /// The caller of a stored key.
    init(_ key: APIKey) {
        self.init(id: key.id, name: key.name, scopes: key.scopes, channels: key.channels, ratePerSecond: key.ratePerSecond)
    }

    /// Every call of the local sandbox, which has no keys.
    static let sandbox = Caller(id: "sandbox", name: "local sandbox", scopes: Set(Scope.allCases))

    var actor: AuditActor { AuditActor(id: id, name: name) }

    /// 403 naming the scope the request needed.
    func require(_ scope: Scope) throws(APIError) {
        guard scopes.contains(scope) else {
            throw APIError(status: 403, code: "insufficient_scope",
                           message: "this key lacks the '\(scope.rawValue)' scope", field: scope.rawValue)
        }
    }

    /// 403 when the key is limited to other channels.
    func requireChannel(_ channel: Channel) throws(APIError) {
        guard channels.map({ $0.contains(channel) }) ?? true else {
            throw APIError(status: 403, code: "channel_not_allowed",
                           message: "this key may send only on " + channels!.map(\.rawValue).sorted().joined(separator: ", "),
                           field: "channel")
        }
    }
}
