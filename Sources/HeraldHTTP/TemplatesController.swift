import Foundation
import HeraldCore
import HeraldRedis
import HeraldTemplates
import Hummingbird

/// `PUT/GET/DELETE /v1/templates/{name}` and `GET /v1/templates`. Every PUT
/// stores a new version: the latest version with the PUT's locale replaced
/// (and `required`/`shorten_links` when given). Syntax is checked before
/// anything is stored, so a broken template never reaches a message.
struct TemplatesController: Sendable {
    let store: TemplateStore
    let cache: TemplateCache
    let latestVersions: LatestVersions

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.get("templates", use: list)
        group.put("templates/:name", use: put)
        group.get("templates/:name", use: show)
        group.delete("templates/:name", use: delete)
    }

    private static let maxBodyBytes = 1024 * 1024

    @Sendable func put(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let body = try await request.collectBody(limit: Self.maxBodyBytes)
        let draft = try RequestDecoder.decode(TemplateDraft.self, from: Data(buffer: body))
        let (channel, locale, variant) = try draft.validated()
        try CompiledTemplate.check(variant, locale: locale)
        let stored = try await store.put(name, nowMillis: WallClock.nowMillis(), by: context.actor) { (current) throws(APIError) in
            if let current, current.channel != channel {
                throw APIError(status: 409, code: "template_channel_mismatch",
                               message: "template \(name) is for \(current.channel.rawValue); delete it to change its channel",
                               field: "channel")
            }
            var next = current ?? MessageTemplate(name: name, version: 0, channel: channel, locales: [:], required: [],
                                                  shortenLinks: false, createdAtMillis: 0)
            next.locales[locale] = variant
            if let required = draft.required { next.required = Array(Set(required)).sorted() }
            if let shorten = draft.shortenLinks { next.shortenLinks = shorten }
            return next
        }
        _ = try cache.compiled(stored)
        latestVersions.set(name, stored.version, nowMillis: WallClock.nowMillis())
        return JSONResponse.encode(stored.version == 1 ? .created : .ok, TemplateView(stored))
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        var version: Int?
        if let text = request.uri.queryParameters["version"] {
            guard let number = Int(text), number > 0 else {
                throw APIError.invalid("version", "version must be a positive integer")
            }
            version = number
        }
        guard let template = try await store.template(name, version: version) else {
            throw APIError.notFound(version.map { "template \(name)@\($0)" } ?? "template \(name)")
        }
        return JSONResponse.encode(.ok, TemplateView(template))
    }

    @Sendable func delete(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        latestVersions.set(name, nil, nowMillis: WallClock.nowMillis())
        guard try await store.delete(name, by: context.actor) else { throw APIError.notFound("template \(name)") }
        return JSONResponse.make(.ok, #"{"name":\#(JSONText.quoted(name)),"deleted":true}"#)
    }

    struct Listing: Encodable {
        let templates: [Entry]
        struct Entry: Encodable {
            let name: String
            let version: Int
        }
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let entries = try await store.latestVersions().map { Listing.Entry(name: $0.name, version: $0.version) }
        return JSONResponse.encode(.ok, Listing(templates: entries))
    }

    private func templateName(_ context: HeraldRequestContext) throws(APIError) -> String {
        guard let name = context.parameters.get("name") else { throw .missing("name") }
        try TemplateDraft.validateName(name)
        return name
    }
}
