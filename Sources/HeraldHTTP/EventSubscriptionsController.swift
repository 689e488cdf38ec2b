import Foundation
import HeraldCore
import HeraldProviders
import HeraldRedis
import Hummingbird

/// `/v1/event-subscriptions` (scope `events`): standing orders for status
/// events, their delivery state, their dead letter and its replay.
struct EventSubscriptionsController: Sendable {
    let store: EventSubscriptionStore
    let presence: EventPresence
    let egress: EgressGuard
    let loopbackAllowed: Bool
    /// `EventSettings.queueCap`: a replay moves no more than the queue has room for.
    let queueCap: Int

    /// At most this many subscriptions: each is a delivery loop in every worker.
    static let maxSubscriptions = 100

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("event-subscriptions", use: create)
        group.get("event-subscriptions", use: list)
        group.get("event-subscriptions/:id", use: show)
        group.delete("event-subscriptions/:id", use: delete)
        group.get("event-subscriptions/:id/failed", use: failed)
        group.post("event-subscriptions/:id/replay", use: replay)
    }

    struct Draft: Decodable {
        var url: String?
        var events: [String]?
        var campaign: String?
        var secret: String?
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: 16 * 1024)
        let draft = try RequestDecoder.decode(Draft.self, from: Data(buffer: body))
        guard let url = draft.url else { throw APIError.missing("url") }
        let target = try EventTargetURL.validate(url, field: "url", loopbackAllowed: loopbackAllowed)
        guard let names = draft.events else { throw APIError.missing("events") }
        let events = try StatusEventType.parse(names, field: "events")
        if let campaign = draft.campaign {
            guard !campaign.isEmpty, campaign.utf8.count <= 128, !campaign.contains(where: { $0.isWhitespace || $0.isNewline })
            else { throw APIError.invalid("campaign", "campaign must be 1–128 characters without spaces") }
        }
        let secret = draft.secret ?? APIKeyToken.generate().secret
        guard secret.utf8.count >= 16, secret.utf8.count <= 256 else {
            throw APIError.invalid("secret", "secret must be 16–256 bytes: it signs every event (HMAC-SHA256)")
        }
        try await vet(target)
        guard try await store.all().count < Self.maxSubscriptions else {
            throw APIError(status: 409, code: "too_many_subscriptions",
                           message: "at most \(Self.maxSubscriptions) event subscriptions; delete one first")
        }
        let subscription = EventSubscription(id: EventSubscription.newID(), url: target, events: events,
                                             campaign: draft.campaign, secret: secret,
                                             createdAtMillis: WallClock.nowMillis())
        try await store.create(subscription)
        presence.noteCreated()
        return JSONResponse.make(.created, try await view(subscription, showSecret: true))
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        var items: [String] = []
        for subscription in try await store.all() { items.append(try await view(subscription, showSecret: false)) }
        return JSONResponse.make(.ok, #"{"subscriptions":["# + items.joined(separator: ",") + "]}")
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        JSONResponse.make(.ok, try await view(try await subscription(context), showSecret: false))
    }

    @Sendable func delete(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try subscriptionID(context)
        guard try await store.delete(id) else { throw APIError.notFound("event subscription \(id)") }
        return Response(status: .noContent)
    }

    @Sendable func failed(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let subscription = try await subscription(context)
        let limit = try Self.limit(request, default: 100, max: 1_000)
        let events = try await store.failed(subscription.id, limit: limit)
        let total = try await store.state(of: subscription.id).deadLettered
        let items = events.map {
            #"{"event":"# + $0.json + #","reason":"# + JSONText.quoted($0.reason) + #","failed_at":"#
                + JSONText.quoted(RFC3339.format(millis: $0.atMillis)) + "}"
        }
        return JSONResponse.make(.ok, #"{"total":"# + String(total) + #","events":["# + items.joined(separator: ",") + "]}")
    }

    @Sendable func replay(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let subscription = try await subscription(context)
        let limit = try Self.limit(request, default: 10_000, max: 100_000)
        let (moved, left) = try await store.replay(subscription.id, limit: limit, queueCap: queueCap)
        return JSONResponse.make(.ok, #"{"replayed":"# + String(moved) + #","left":"# + String(left) + "}")
    }

    /// The subscription as the API shows it: the secret only in the creating reply, and how its delivery stands.
    private func view(_ subscription: EventSubscription, showSecret: Bool) async throws -> String {
        let state = try await store.state(of: subscription.id)
        func time(_ millis: Int64?) -> String { millis.map { JSONText.quoted(RFC3339.format(millis: $0)) } ?? "null" }
        let events = subscription.events.count == StatusEventType.allCases.count
            ? #"["*"]"# : "[" + subscription.events.map { JSONText.quoted($0.rawValue) }.sorted().joined(separator: ",") + "]"
        var json = #"{"id":"# + JSONText.quoted(subscription.id) + #","url":"# + JSONText.quoted(subscription.url)
        json += #","events":"# + events
        json += #","campaign":"# + (subscription.campaign.map(JSONText.quoted) ?? "null")
        if showSecret { json += #","secret":"# + JSONText.quoted(subscription.secret) }
        json += #","created_at":"# + time(subscription.createdAtMillis)
        json += #","delivery":{"queued":"# + String(state.queued) + #","dead_lettered":"# + String(state.deadLettered)
        json += #","delivered":"# + String(state.delivered) + #","dropped":"# + String(state.dropped)
        json += #","failing_since":"# + time(state.failingSinceMillis) + #","attempts":"# + String(state.attempts)
        json += #","next_attempt_at":"# + time(state.nextAttemptAtMillis)
        json += #","last_error":"# + (state.lastError.map(JSONText.quoted) ?? "null")
        json += #","last_success_at":"# + time(state.lastSuccessAtMillis) + "}}"
        return json
    }

    /// Refuses a URL whose host resolves to an address events may not reach (SSRF).
    private func vet(_ url: String) async throws {
        guard let target = EgressGuard.target(ofURL: url) else { throw APIError.invalid("url", "url must be an absolute https URL") }
        do {
            _ = try await egress.vet(host: target.host, port: target.port)
        } catch {
            throw error.apiError(field: "url", barred: "event receivers may not be on",
                                 allowedNetworksKey: "HERALD_EVENT_ALLOWED_NETWORKS")
        }
    }

    private func subscription(_ context: HeraldRequestContext) async throws -> EventSubscription {
        let id = try subscriptionID(context)
        guard let subscription = try await store.get(id) else { throw APIError.notFound("event subscription \(id)") }
        return subscription
    }

    private func subscriptionID(_ context: HeraldRequestContext) throws(APIError) -> String {
        let id = context.parameters.get("id") ?? ""
        guard EventSubscription.isID(id) else {
            throw APIError(status: 404, code: "not_found", message: "event subscription ids are evs_ and 20 characters",
                           field: "id")
        }
        return id
    }

    private static func limit(_ request: Request, default value: Int, max: Int) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let limit = Int(text), limit >= 1, limit <= max else {
            throw APIError.invalid("limit", "limit must be 1–\(max)")
        }
        return limit
    }
}
