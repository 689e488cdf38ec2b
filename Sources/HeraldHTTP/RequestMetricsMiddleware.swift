import HeraldMetrics
import Hummingbird

/// Times every request into `herald_http_request_seconds{method,route,status}`.
/// The route is the matched template (`/v1/messages/{id}`), so ids never
/// become label values. Outermost, so it sees the status the error middleware chose.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HeraldMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.httpRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                            status: Int(response.status.code), ContinuousClock.now - started)
        return response
    }
}
