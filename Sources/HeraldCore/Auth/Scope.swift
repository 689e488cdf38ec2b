/// What an API key may do. Each `/v1` route needs exactly one scope
/// (`RouteScopes`), so a key made for one job (the OTP service's `send`)
/// cannot read messages, rewrite templates or lift an opt-out if it leaks.
public enum Scope: String, CaseIterable, Sendable, Hashable, Comparable {
    /// `POST /v1/messages`, batches and cancelling a message.
    case send
    /// Message status, stats and a user's allowance.
    case read
    /// Putting, reading and deleting templates.
    case templates
    /// Creating and reading short links.
    case links
    /// Looking suppressions up.
    case suppressionsRead = "suppressions:read"
    /// Adding and lifting suppressions: lifting an opt-out wrongly is a compliance breach.
    case suppressionsWrite = "suppressions:write"
    /// Creating, pacing, pausing and reading campaigns.
    case campaigns
    /// Reporting conversions (`POST /v1/conversions`).
    case conversions
    /// Status-event subscriptions.
    case events
    /// Logging in to the console.
    case console
    /// Keys and the audit log.
    case admin

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a list of scope names, naming the first unknown one.
    public static func parse(_ names: [String]) -> Result<Set<Scope>, APIError> {
        var scopes = Set<Scope>()
        for name in names {
            guard let scope = Scope(rawValue: name) else {
                return .failure(.invalid("scopes", "unknown scope '\(name.prefix(40))'; scopes are "
                    + Scope.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            scopes.insert(scope)
        }
        return .success(scopes)
    }
}
