import HeraldCore
import HeraldMetrics
import HeraldRedis
import Hummingbird

/// `GET /health` (the process answers), `GET /ready` (Redis answers),
/// `GET /metrics` (Prometheus text) and `GET /openapi.yaml` (the contract). Unauthenticated, for orchestrators and scrapers.
struct OperationsController: Sendable {
    let store: MessageStore
    let metrics: HeraldMetrics

    func register(on router: Router<HeraldRequestContext>) {
        router.get("health") { _, _ in JSONResponse.make(.ok, #"{"status":"ok"}"#) }
        router.get("ready") { _, _ in
            let ready = (try? await store.ping()) ?? false
            return ready
                ? JSONResponse.make(.ok, #"{"status":"ready","redis":"ok"}"#)
                : JSONResponse.make(.serviceUnavailable, #"{"status":"unavailable","redis":"unreachable"}"#)
        }
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        router.get("metrics") { _, context in
            do {
                for (channel, depth) in try await store.queueDepths(Channel.allCases, nowMillis: WallClock.nowMillis()) {
                    metrics.queue(channel, depth)
                }
            } catch {
                // The process's own counters are still worth serving when Redis is away.
                metrics.redisErrors(.metrics)
                context.logger.warning("cannot read queue depths", metadata: ["error": "\(error)"])
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }
}
