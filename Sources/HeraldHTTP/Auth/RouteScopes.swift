import HeraldCore
import HTTPTypes

/// The scope each `/v1` route needs, by method and route pattern as
/// Hummingbird names it (`/v1/messages/{id}`). A route missing here needs
/// `admin`: a new endpoint fails closed until it is given its scope.
enum RouteScopes {
    static let table: [String: Scope] = [
        "POST /v1/messages": .send,
        "POST /v1/messages/batch": .send,
        "DELETE /v1/messages/{id}": .send,
        "GET /v1/messages/{id}": .read,
        "GET /v1/stats": .read,
        "GET /v1/users/{user}/allowance": .read,
        "GET /v1/templates": .templates,
        "PUT /v1/templates/{name}": .templates,
        "GET /v1/templates/{name}": .templates,
        "DELETE /v1/templates/{name}": .templates,
        "POST /v1/links": .links,
        "GET /v1/links/{code}": .links,
        "GET /v1/suppressions/{channel}/{recipient}": .suppressionsRead,
        "GET /v1/suppressions/users/{user}": .suppressionsRead,
        "PUT /v1/suppressions/{channel}/{recipient}": .suppressionsWrite,
        "DELETE /v1/suppressions/{channel}/{recipient}": .suppressionsWrite,
        "PUT /v1/suppressions/users/{user}": .suppressionsWrite,
        "DELETE /v1/suppressions/users/{user}": .suppressionsWrite,
        "POST /v1/keys": .admin,
        "GET /v1/keys": .admin,
        "GET /v1/keys/{id}": .admin,
        "DELETE /v1/keys/{id}": .admin,
        "GET /v1/audit": .admin,
        "POST /v1/campaigns": .campaigns,
        "GET /v1/campaigns": .campaigns,
        "GET /v1/campaigns/{id}": .campaigns,
        "GET /v1/campaigns/{id}/results": .campaigns,
        "POST /v1/campaigns/{id}/recipients": .campaigns,
        "POST /v1/campaigns/{id}/start": .campaigns,
        "POST /v1/campaigns/{id}/pause": .campaigns,
        "POST /v1/campaigns/{id}/resume": .campaigns,
        "POST /v1/campaigns/{id}/cancel": .campaigns,
        "POST /v1/campaigns/{id}/winner": .campaigns,
        "POST /v1/conversions": .conversions,
        "POST /v1/conversions/batch": .conversions,
        "POST /v1/event-subscriptions": .events,
        "GET /v1/event-subscriptions": .events,
        "GET /v1/event-subscriptions/{id}": .events,
        "DELETE /v1/event-subscriptions/{id}": .events,
        "GET /v1/event-subscriptions/{id}/failed": .events,
        "POST /v1/event-subscriptions/{id}/replay": .events,
    ]

    static func scope(_ method: HTTPRequest.Method, _ path: String?) -> Scope {
        table[method.rawValue + " " + (path ?? "")] ?? .admin
    }
}
