import Foundation
import HeraldCore
import Hummingbird

/// Checks `Authorization: Bearer <key>` against the configured keys. With no
/// keys configured the gateway runs as a local sandbox and lets every call in.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !keys.isEmpty else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
        let given = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        // Every key is compared in full and in constant time: neither a hash lookup's
        // early exit nor the position of a first difference tells an attacker anything.
        var matched = false
        for key in keys where ConstantTime.equal(given, key) { matched = true }
        guard matched else { throw APIError.unauthorized }
        return try await next(request, context)
    }
}
