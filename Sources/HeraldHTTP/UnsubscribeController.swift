import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `GET/POST /u/{token}`: the List-Unsubscribe link of marketing mail.
/// `POST` is RFC 8058's one-click unsubscribe (mail clients post
/// `List-Unsubscribe=One-Click`); `GET` is a person following the link, who
/// gets a page with a button, since link scanners fetch URLs too.
struct UnsubscribeController: Sendable {
    let suppressions: SuppressionStore
    let links: UnsubscribeLinks
    /// Whether event subscriptions exist: an unsubscribe is then pushed as an `unsubscribed` status event.
    let events: EventPresence

    func register(on router: Router<HeraldRequestContext>) {
        router.get("u/:token", use: page)
        router.post("u/:token", use: unsubscribe)
    }

    @Sendable func page(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard links.verify(token) != nil else { throw APIError.notFound("unsubscribe link") }
        return Self.html("""
            <form method="post" action="/u/\(token)"><p>Stop receiving marketing messages at this address?</p>\
            <button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>
            """)
    }

    @Sendable func unsubscribe(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        guard let (channel, recipient) = links.verify(context.parameters.get("token") ?? "") else {
            throw APIError.notFound("unsubscribe link")
        }
        _ = try await request.collectBody(limit: 4 * 1024)
        try await suppressions.suppress(recipient, on: channel, as: Suppression(scope: .marketing, reason: .unsubscribed),
                                        by: .recipient, publishing: events.active(nowMillis: WallClock.nowMillis()))
        return Self.html("<p>You are unsubscribed. You will receive no more marketing messages at this address.</p>")
    }

    static func html(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><meta charset=utf-8><title>Unsubscribe</title>" + body)))
    }
}
