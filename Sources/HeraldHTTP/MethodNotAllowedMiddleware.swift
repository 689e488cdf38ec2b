import HeraldCore
import HTTPTypes
import Hummingbird

/// Answers 405 with an `Allow` header (and the usual `{"error":{…}}` body) when
/// a request names a path Herald serves with a method it does not serve there;
/// an unknown path stays 404. Added to the router after every route, so it
/// wraps only the router's not-found responder, and knows the routes from the
/// router itself: what it allows is exactly what is registered.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One registered path: its segments (nil for a `{capture}`) and its methods.
    struct Route: Sendable {
        let segments: [Substring?]
        var methods: [HTTPRequest.Method]
    }

    let routes: [Route]

    /// Groups the router's routes by path; a path in `ignoring` (a catch-all
    /// that answers 404 whatever the method) is left out.
    init(routes: [Router<Context>.RouteDescription], ignoring: [String] = []) {
        var byPath: [String: Route] = [:]
        var order: [String] = []
        for route in routes {
            let path = route.path.description
            guard !ignoring.contains(path) else { continue }
            if byPath[path] == nil {
                order.append(path)
                byPath[path] = Route(
                    segments: path.split(separator: "/").map { $0.hasPrefix("{") || $0.hasPrefix(":") ? nil : $0 },
                    methods: [])
            }
            if !byPath[path]!.methods.contains(route.method) { byPath[path]!.methods.append(route.method) }
        }
        self.routes = order.compactMap { byPath[$0] }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = allowedMethods(path: request.uri.path), !allowed.isEmpty, !allowed.contains(request.method) else {
                throw error
            }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            var response = JSONResponse.error(APIError(
                status: 405, code: "method_not_allowed",
                message: "\(request.method.rawValue.prefix(32)) is not allowed here; allowed: \(allow)"))
            response.headers[.allow] = allow
            return response
        }
    }

    /// The methods of the route the router would pick for `path` (a literal
    /// segment before a capture, as the router's trie does); nil when no route matches.
    func allowedMethods(path: String) -> [HTTPRequest.Method]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: (route: Route, rank: [Bool])?
        for route in routes where route.segments.count == parts.count {
            guard zip(route.segments, parts).allSatisfy({ $0.0 == nil || $0.0! == $0.1 }) else { continue }
            let rank = route.segments.map { $0 != nil }
            if let current = best, !Self.prefers(rank, over: current.rank) { continue }
            best = (route, rank)
        }
        return best?.route.methods
    }

    /// Whether a route whose segments are literal where `rank` is true is more
    /// specific than one ranked `other`: the first segment where they differ decides.
    private static func prefers(_ rank: [Bool], over other: [Bool]) -> Bool {
        for (mine, theirs) in zip(rank, other) where mine != theirs { return mine }
        return false
    }
}
