import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `POST /v1/links` creates a short link; `GET /v1/links/{code}` shows where
/// it goes and how often it was fetched, by clicks and previews.
struct LinksController: Sendable {
    let store: LinkStore
    let shortener: LinkShortener

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("links", use: create)
        group.get("links/:code", use: show)
    }

    struct Draft: Decodable {
        let url: String?
        let messageID: String?

        enum CodingKeys: String, CodingKey {
            case url
            case messageID = "message_id"
        }

        /// A `null` field is refused, as the contract types both as strings.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = container.contains(.url) ? try container.decode(String.self, forKey: .url) : nil
            messageID = container.contains(.messageID) ? try container.decode(String.self, forKey: .messageID) : nil
        }
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: 16 * 1024)
        let draft = try RequestDecoder.decode(Draft.self, from: Data(buffer: body))
        guard let url = draft.url, !url.isEmpty else { throw APIError.missing("url") }
        try Self.validate(url)
        if let id = draft.messageID, MessageID.channel(of: id) == nil {
            throw APIError.invalid("message_id", "message_id is not a Herald message id")
        }
        let now = WallClock.nowMillis()
        guard let code = try await store.create([url], messageID: draft.messageID, nowMillis: now).first else {
            throw APIError(status: 503, code: "unavailable", message: "the link could not be stored")
        }
        let link = Link(code: code, shortURL: shortener.shortURL(code), url: url, messageID: draft.messageID,
                        createdAt: MessageView.time(now),
                        expiresAt: MessageView.time(now + Int64(store.lifetimeSeconds) * 1000),
                        clicks: 0, previews: 0, firstClickAt: nil, lastClickAt: nil, userAgents: [:])
        return JSONResponse.encode(.created, link)
    }

    /// A long URL must be an absolute http(s) URL with a host, and no longer than browsers accept.
    static func validate(_ url: String) throws(APIError) {
        guard url.utf8.count <= MessageLimits.maxURLCharacters, let parsed = URL(string: url),
              let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host?.isEmpty == false, !url.contains(where: { $0.isWhitespace })
        else { throw APIError.invalid("url", "url must be an absolute http(s) URL of at most \(MessageLimits.maxURLCharacters) characters") }
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        guard ShortLinkCode.isWellFormed(Substring(code)), let stored = try await store.link(code) else {
            throw APIError.notFound("link \(code.prefix(16))")
        }
        return JSONResponse.encode(.ok, Link(
            code: code, shortURL: shortener.shortURL(code), url: stored.url, messageID: stored.messageID,
            createdAt: MessageView.time(stored.createdAtMillis), expiresAt: MessageView.time(stored.expiresAtMillis),
            clicks: stored.clicks, previews: stored.previews, firstClickAt: stored.firstClickMillis.map(MessageView.time),
            lastClickAt: stored.lastClickMillis.map(MessageView.time), userAgents: stored.userAgents))
    }

    /// A link as the API shows it.
    struct Link: Encodable {
        let code: String
        let shortURL: String
        let url: String
        let messageID: String?
        let createdAt: String
        let expiresAt: String
        let clicks: Int
        let previews: Int
        let firstClickAt: String?
        let lastClickAt: String?
        let userAgents: [String: Int]

        enum CodingKeys: String, CodingKey {
            case code, url, clicks, previews
            case shortURL = "short_url"
            case messageID = "message_id"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case firstClickAt = "first_click_at"
            case lastClickAt = "last_click_at"
            case userAgents = "user_agents"
        }
    }
}
