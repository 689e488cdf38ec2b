import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// `GET /s/{code}` (and HEAD): 302 to the long URL. The click is handed to
/// the `ClickRecorder` and written after the reply; the target comes from the
/// `LinkCache` when the code was seen before. Unknown codes get 404 and
/// expired links 410, each with a small HTML page, as a person sees them.
struct RedirectController: Sendable {
    let store: LinkStore
    let cache: LinkCache
    let recorder: ClickRecorder
    let metrics: HeraldMetrics

    func register(on router: Router<HeraldRequestContext>) {
        router.get("s/:code", use: redirect)
        router.head("s/:code", use: redirect)
    }

    @Sendable func redirect(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        guard let code = context.parameters.get("code"), ShortLinkCode.isWellFormed(Substring(code)) else {
            return Self.page(.notFound, "Link not found", "This link does not exist. Check that it was copied whole.")
        }
        var target = cache.get(code)
        if target == nil, let stored = try await store.target(code) {
            target = .init(url: stored.url, expiresAtMillis: stored.expiresAtMillis, messageID: stored.messageID)
            cache.put(code, target!)
        }
        guard let target else {
            return Self.page(.notFound, "Link not found", "This link does not exist. Check that it was copied whole.")
        }
        let now = WallClock.nowMillis()
        guard target.expiresAtMillis == 0 || now < target.expiresAtMillis else {
            return Self.page(.gone, "Link expired", "This link has expired and no longer leads anywhere.")
        }
        let agent = UserAgentClass.of(userAgent: request.headers[.userAgent], isHead: request.method == .head)
        recorder.record(.init(code: code, atMillis: now, agent: agent, messageID: target.messageID))
        metrics.linkFetched(kind: agent == .preview ? .preview : .click)
        return Response(status: .found, headers: [.location: target.url, .cacheControl: "private, no-store",
                                                  HTTPField.Name("Referrer-Policy")!: "no-referrer"])
    }

    static func page(_ status: HTTPResponse.Status, _ title: String, _ text: String) -> Response {
        let html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title)</title>"
            + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"></head><body style=\"font-family:"
            + "system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em\"><h1>\(title)</h1><p>\(text)</p>"
            + "</body></html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
