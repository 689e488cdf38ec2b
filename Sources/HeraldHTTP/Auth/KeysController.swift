import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `POST/GET /v1/keys`, `GET/DELETE /v1/keys/{id}` (scope `admin`): API keys
/// with scopes. The secret is in the creating reply only; Herald keeps its
/// hash. A revoked key stops working here at once and on every other
/// instance within `APIConfiguration.keyCacheMillis`.
struct KeysController: Sendable {
    let store: KeyStore
    let ring: KeyRing

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("keys", use: create)
        group.get("keys", use: list)
        group.get("keys/:id", use: show)
        group.delete("keys/:id", use: revoke)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: 16 * 1024)
        let draft = try RequestDecoder.decode(APIKeyDraft.self, from: Data(buffer: body))
        let now = WallClock.nowMillis()
        for _ in 0..<4 {
            let token = APIKeyToken.generate()
            let key = try draft.key(token: token, createdBy: context.actor.id, nowMillis: now)
            if try await store.create(key, by: context.actor) {
                return JSONResponse.encode(.created, KeyView(key, nowMillis: now, secret: token.secret))
            }
        }
        throw APIError(status: 503, code: "unavailable", message: "could not choose a free key id; retry")
    }

    struct Listing: Encodable {
        let keys: [KeyView]
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let now = WallClock.nowMillis()
        return JSONResponse.encode(.ok, Listing(keys: try await store.all().map { KeyView($0, nowMillis: now) }))
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try keyID(context)
        guard let key = try await store.key(id) else { throw APIError.notFound("key \(id)") }
        return JSONResponse.encode(.ok, KeyView(key, nowMillis: WallClock.nowMillis()))
    }

    @Sendable func revoke(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try keyID(context)
        guard try await store.revoke(id, by: context.actor) else { throw APIError.notFound("key \(id)") }
        ring.forget(id)
        return Response(status: .noContent)
    }

    private func keyID(_ context: HeraldRequestContext) throws(APIError) -> String {
        let id = context.parameters.get("id") ?? ""
        guard APIKeyToken.isID(id) else {
            throw APIError(status: 404, code: "not_found", message: "key ids are 16 lowercase hex characters", field: "id")
        }
        return id
    }
}
