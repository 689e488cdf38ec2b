import HeraldCore
import HeraldRedis
import Hummingbird

/// `GET /v1/audit?after=&limit=&actor=&action=` (scope `admin`): every
/// recorded change, oldest first, with a cursor to read on from.
struct AuditController: Sendable {
    let log: AuditLog

    static let defaultLimit = 100
    static let maxLimit = 1_000
    /// The actions entries are recorded under, so a filter naming another is a 422, not an empty page.
    static let actions: Set<String> = [
        "suppression.add", "suppression.lift", "template.put", "template.delete", "key.create", "key.revoke",
    ]

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.get("audit", use: list)
    }

    struct Page: Encodable {
        let entries: [Entry]
        /// Always present: null at the end of the log.
        let next: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entries, forKey: .entries)
            try container.encode(next, forKey: .next)
        }

        enum CodingKeys: String, CodingKey { case entries, next }
    }

    struct Entry: Encodable {
        let id: String
        let at: String
        let actor: Actor
        let action: String
        let target: String
        let before: String
        let after: String

        struct Actor: Encodable {
            let id: String
            let name: String
        }

        init(_ entry: AuditEntry) {
            id = entry.cursor.description
            at = RFC3339.format(millis: entry.atMillis)
            actor = Actor(id: entry.actorID, name: entry.actorName)
            action = entry.action
            target = entry.target
            before = entry.before
            after = entry.after
        }
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var after: AuditCursor?
        if let text = query["after"].map(String.init) {
            guard let cursor = AuditCursor(text) else {
                throw APIError.invalid("after", "after must be an entry id or a page's next, such as 1765090000000-0.keys")
            }
            after = cursor
        }
        var limit = Self.defaultLimit
        if let text = query["limit"].map(String.init) {
            guard let number = Int(text), (1...Self.maxLimit).contains(number) else {
                throw APIError.invalid("limit", "limit must be 1–\(Self.maxLimit)")
            }
            limit = number
        }
        let action = query["action"].map(String.init)
        if let action, !Self.actions.contains(action) {
            throw APIError.invalid("action", "action must be one of " + Self.actions.sorted().joined(separator: ", "))
        }
        let actor = query["actor"].map(String.init)
        if let actor, actor.isEmpty || actor.utf8.count > 128 { throw APIError.invalid("actor", "actor must be a key id") }
        let page = try await log.entries(after: after, limit: limit, filter: .init(actor: actor, action: action))
        return JSONResponse.encode(.ok, Page(entries: page.entries.map(Entry.init), next: page.next?.description))
    }
}
