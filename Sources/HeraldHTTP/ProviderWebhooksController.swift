import HeraldCore
import HeraldMetrics
import HeraldProviders
import HeraldRedis
import HTTPTypes
import Hummingbird
import Logging

/// Mounts the receipt and inbound endpoints of the configured providers
/// (`/v1/receipts/{provider}`, `/v1/inbound/{provider}`), authenticated by each
/// provider's own signature rather than an API key. The adapter verifies and
/// parses; this applies the effects only after the whole request passed, so a
/// refused request changes nothing. Any other provider's endpoint answers 404.
struct ProviderWebhooksController: Sendable {
    let webhooks: [any ProviderWebhook]
    let store: MessageStore
    let suppressions: SuppressionStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics

    func register(on router: Router<HeraldRequestContext>) {
        for webhook in webhooks {
            for route in webhook.routes {
                let handler: @Sendable (Request, HeraldRequestContext) async throws -> Response = { request, context in
                    try await receive(request, context: context, webhook: webhook, route: route)
                }
                switch route.method {
                case .get: router.get(RouterPath(route.path), use: handler)
                case .post: router.post(RouterPath(route.path), use: handler)
                }
            }
        }
        for path in Self.notConfiguredPaths {
            router.get(RouterPath(path), use: notConfigured)
            router.post(RouterPath(path), use: notConfigured)
        }
    }

    /// Where any provider this deployment does not configure answers 404, whatever the method.
    static let notConfiguredPaths = ["/v1/receipts/{provider}", "/v1/inbound/{provider}"]

    @Sendable func notConfigured(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let provider = context.parameters.get("provider") ?? ""
        throw APIError(status: 404, code: "provider_not_configured",
                       message: "no configured provider takes \(request.method.rawValue) \(request.uri.path)"
                           + (provider.isEmpty ? "" : " (is \(provider) configured?)"))
    }

    func receive(_ request: Request, context: HeraldRequestContext, webhook: any ProviderWebhook, route: WebhookRoute)
        async throws -> Response
    {
        let body = route.method == .post ? try await request.collectBody(limit: configuration.maxReceiptBodyBytes) : ByteBuffer()
        let headers = request.headers, uri = request.uri
        let webhookRequest = WebhookRequest(
            url: configuration.publicURL + uri.description, body: Array(body.readableBytesView),
            nowMillis: WallClock.nowMillis(),
            header: { name in HTTPField.Name(name).flatMap { headers[$0] } },
            query: { name in uri.queryParameters.get(name) })
        let result: WebhookResult
        do {
            result = try webhook.handle(webhookRequest, on: route)
        } catch {
            metrics.receipt(provider: webhook.provider, result: "rejected")
            if error.status == 403 {
                context.logger.warning("rejected \(route) request", metadata: ["reason": "\(error.message)"])
            }
            throw APIError(status: error.status, code: error.code, message: error.message)
        }
        let now = webhookRequest.nowMillis
        func count(_ outcome: String) {
            switch route.purpose {
            case .receipts: metrics.receipt(provider: webhook.provider, result: outcome)
            case .inbound: metrics.inbound(provider: webhook.provider, intent: outcome)
            }
        }
        // Receipts go to Redis together: one coalesced call for a lone one
        // (Twilio posts one per request), one pipelined round trip for an array.
        var receipts: [ProviderReceipt] = []
        func applyReceipts() async throws {
            guard !receipts.isEmpty else { return }
            defer { receipts.removeAll() }
            if receipts.count == 1, let only = receipts.first {
                count(try await store.applyReceipt(only, from: webhook.provider, nowMillis: now).result.rawValue)
            } else {
                for applied in try await store.applyReceipts(receipts, from: webhook.provider, nowMillis: now) {
                    count(applied.result.rawValue)
                }
            }
        }
        for effect in result.effects {
            if case .receipt(let receipt) = effect {
                receipts.append(receipt)
                continue
            }
            try await applyReceipts()
            let outcome: String
            switch effect {
            case .receipt:
                continue
            case .suppress(let recipient, let channel, let suppression, let label):
                try await suppressions.suppress(recipient, on: channel, as: suppression, by: .recipient,
                                                publishing: store.events.active(nowMillis: WallClock.nowMillis()))
                context.logger.info("\(label): \(channel.rawValue) recipient suppressed",
                                    metadata: ["recipient": "\(PIIMask.recipient(recipient, channel: channel))"])
                outcome = label
            case .liftUnsubscribe(let recipient, let channel, let label):
                _ = try await suppressions.lift(recipient, on: channel, by: .recipient, onlyIf: [.unsubscribed, .notSubscribed])
                outcome = label
            case .ignored(let label):
                outcome = label
            }
            count(outcome)
        }
        try await applyReceipts()
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: result.reply.body)))
        if let contentType = result.reply.contentType { response.headers[.contentType] = contentType }
        return response
    }
}
