import HeraldCore

/// A key as `GET /v1/keys` shows it: everything but the secret, which is
/// only in the reply that created it (`secret`).
struct KeyView: Encodable {
    let id: String
    let name: String
    let scopes: [String]
    let channels: [String]?
    let ratePerSecond: Int?
    let expiresAt: String?
    let expired: Bool
    let createdAt: String
    let createdBy: String
    /// Only in the reply of `POST /v1/keys`.
    let secret: String?

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, channels, expired, secret
        case ratePerSecond = "rate_per_second"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
        case createdBy = "created_by"
    }

    init(_ key: APIKey, nowMillis: Int64, secret: String? = nil) {
        id = key.id
        name = key.name
        scopes = key.scopes.sorted().map(\.rawValue)
        channels = key.channels.map { $0.map(\.rawValue).sorted() }
        ratePerSecond = key.ratePerSecond
        expiresAt = key.expiresAtMillis.map { RFC3339.format(millis: $0) }
        expired = key.isExpired(nowMillis: nowMillis)
        createdAt = RFC3339.format(millis: key.createdAtMillis)
        createdBy = key.createdBy
        self.secret = secret
    }
}
