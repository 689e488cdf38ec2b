import Foundation
import HeraldCore
import Hummingbird

/// Authenticates `Authorization: Bearer <key>` on `/v1`, checks the route's
/// scope (`RouteScopes`) and the key's own rate, and hands the `Caller` to the
/// handler. With `open` (the local sandbox: no keys anywhere) every call is
/// let in as the sandbox caller.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let open: Bool
    let keys: KeyRing
    let limiter: KeyRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        guard !open else {
            context.caller = .sandbox
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
        let bearer = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let caller = try await keys.authenticate(bearer, nowMillis: WallClock.nowMillis())
        try caller.require(RouteScopes.scope(request.method, context.endpointPath))
        if let rate = caller.ratePerSecond, let wait = try await limiter.take(keyID: caller.id, ratePerSecond: rate) {
            throw APIError(status: 429, code: "rate_limited",
                           message: "this key is limited to \(rate) requests a second; retry after \(wait) s",
                           retryAfterSeconds: wait)
        }
        context.caller = caller
        return try await next(request, context)
    }
}
