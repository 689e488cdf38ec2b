import HeraldCore
import HeraldMetrics
import HeraldRedis
import Hummingbird
import Logging
import NIOCore

/// Turns every failure into the `{"error":{…}}` shape: `APIError`s as they
/// are, an oversized body as 413, a full Redis as 507, other Redis trouble as 503, anything else as 500
/// with the detail logged (never sent to the caller). The process keeps serving.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HeraldMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            metrics.rejected(code: error.code)
            return JSONResponse.error(error)
        } catch is NIOTooManyBytesError {
            metrics.rejected(code: "body_too_large")
            return JSONResponse.error(APIError(status: 413, code: "body_too_large", message: "request body is too large"))
        } catch let error as HTTPError where error.status.code < 500 {
            metrics.rejected(code: "http_\(error.status.code)")
            return JSONResponse.error(APIError(status: error.status.code, code: "http_\(error.status.code)",
                                               message: error.body ?? error.status.reasonPhrase))
        } catch let error as RedisError where error.isOutOfMemory {
            metrics.storeFullRequest()
            context.logger.error("message store full: Redis is at maxmemory and refuses writes",
                                 metadata: ["path": "\(request.uri.path)"])
            return JSONResponse.error(APIError(status: 507, code: "store_full",
                                               message: "the message store is full (Redis is at maxmemory); nothing was changed: retry later"))
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.error(APIError(status: 503, code: "unavailable",
                                               message: "the message store is unavailable; retry later"))
        }
    }
}

