import Foundation

/// The body of `POST /v1/keys` (and the `herald keys create` options):
/// what a new key is for. `validated` names the field at fault.
public struct APIKeyDraft: Decodable, Sendable {
    public var name: String?
    public var scopes: [String]?
    public var ratePerSecond: Int?
    public var channels: [String]?
    public var expiresAt: String?

    public static let maxNameCharacters = 100
    public static let maxRatePerSecond = 1_000_000

    enum CodingKeys: String, CodingKey {
        case name, scopes, channels
        case ratePerSecond = "rate_per_second"
        case expiresAt = "expires_at"
    }

    public init(name: String?, scopes: [String]?, ratePerSecond: Int? = nil, channels: [String]? = nil,
                expiresAt: String? = nil)
    {
        self.name = name
        self.scopes = scopes
        self.ratePerSecond = ratePerSecond
        self.channels = channels
        self.expiresAt = expiresAt
    }

    /// An absent optional field takes its default; a `null` one is refused, as the contract types them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = container.contains(.name) ? try container.decode(String.self, forKey: .name) : nil
        scopes = container.contains(.scopes) ? try container.decode([String].self, forKey: .scopes) : nil
        ratePerSecond = container.contains(.ratePerSecond) ? try container.decode(Int.self, forKey: .ratePerSecond) : nil
        channels = container.contains(.channels) ? try container.decode([String].self, forKey: .channels) : nil
        expiresAt = container.contains(.expiresAt) ? try container.decode(String.self, forKey: .expiresAt) : nil
    }

    /// The new key's record under `token`, or the first problem.
    public func key(token: APIKeyToken, createdBy: String, nowMillis: Int64) throws(APIError) -> APIKey {
        guard let name else { throw .missing("name") }
        // Counted in code points, as JSON Schema's maxLength counts; control characters (Cc) refused.
        guard (1...Self.maxNameCharacters).contains(name.unicodeScalars.count),
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .invalid("name", "name must be 1–\(Self.maxNameCharacters) characters, none of them a control character") }
        guard let names = scopes else { throw .missing("scopes") }
        guard !names.isEmpty else { throw .invalid("scopes", "scopes must name at least one scope") }
        let scopes = try Scope.parse(names).get()
        var channelSet: Set<Channel>?
        if let channels {
            guard !channels.isEmpty else { throw .invalid("channels", "channels, when given, must name at least one channel") }
            var set = Set<Channel>()
            for name in channels {
                guard let channel = Channel(rawValue: name) else {
                    throw .invalid("channels", "unknown channel '\(name.prefix(32))'; channels are "
                        + Channel.allCases.map(\.rawValue).joined(separator: ", "))
                }
                set.insert(channel)
            }
            channelSet = set
        }
        if let ratePerSecond, !(1...Self.maxRatePerSecond).contains(ratePerSecond) {
            throw .invalid("rate_per_second", "rate_per_second must be 1–\(Self.maxRatePerSecond)")
        }
        var expires: Int64?
        if let expiresAt {
            let millis = try MessageValidator.parseTime(expiresAt, field: "expires_at")
            guard millis > nowMillis else { throw .invalid("expires_at", "expires_at must be in the future") }
            expires = millis
        }
        return APIKey(id: token.id, name: name, scopes: scopes, channels: channelSet, ratePerSecond: ratePerSecond,
                      expiresAtMillis: expires, createdAtMillis: nowMillis, createdBy: createdBy,
                      secretHash: APIKeyToken.hash(token.secret))
    }
}
