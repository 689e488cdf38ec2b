import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `PUT/GET/DELETE /v1/suppressions/{channel}/{recipient}`: unsubscribe a
/// recipient, look the entry up, lift it. Providers add entries on their own
/// (invalid recipients, opt-outs, bounces); this is the operator's handle.
/// `…/suppressions/users/{user_id}` does the same for a person across every
/// channel, matched by the `user_id` their messages carry.
struct SuppressionsController: Sendable {
    let store: SuppressionStore
    let validator: MessageValidator
    let configuration: APIConfiguration

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.put("suppressions/users/:user", use: putUser)
        group.get("suppressions/users/:user", use: showUser)
        group.delete("suppressions/users/:user", use: liftUser)
        group.put("suppressions/:channel/:recipient", use: put)
        group.get("suppressions/:channel/:recipient", use: show)
        group.delete("suppressions/:channel/:recipient", use: lift)
    }

    /// The optional body of a PUT.
    struct Entry: Decodable {
        let reason: String?
        let category: String?

        enum CodingKeys: String, CodingKey { case reason, category }

        /// An absent field takes its default; a `null` one is refused, as the contract types both as strings.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            reason = container.contains(.reason) ? try container.decode(String.self, forKey: .reason) : nil
            category = container.contains(.category) ? try container.decode(String.self, forKey: .category) : nil
        }
    }

    @Sendable func put(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (channel, recipient) = try target(context)
        let suppression = try await entry(request)
        let created = try await store.suppress(recipient, on: channel, as: suppression, by: context.actor)
        return JSONResponse.make(created ? .created : .ok, Self.json(channel, recipient, suppression))
    }

    @Sendable func putUser(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let user = try userTarget(context)
        let suppression = try await entry(request)
        let created = try await store.suppressUser(user, as: suppression, by: context.actor)
        return JSONResponse.make(created ? .created : .ok, Self.userJSON(user, suppression))
    }

    @Sendable func showUser(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let user = try userTarget(context)
        guard let suppression = try await store.lookupUser(user) else { throw APIError.notFound("suppression") }
        return JSONResponse.make(.ok, Self.userJSON(user, suppression))
    }

    @Sendable func liftUser(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let user = try userTarget(context)
        guard try await store.liftUser(user, by: context.actor) else { throw APIError.notFound("suppression") }
        return Response(status: .noContent)
    }

    private func userTarget(_ context: HeraldRequestContext) throws -> String {
        let raw = context.parameters.get("user") ?? ""
        let user = raw.removingPercentEncoding ?? raw
        try validator.validateUserID(user)
        return user
    }

    static func userJSON(_ user: String, _ suppression: Suppression) -> String {
        #"{"user_id":\#(JSONText.quoted(user)),"reason":"\#(suppression.reason.rawValue)","category":"\#(suppression.scope.rawValue)"}"#
    }

    /// The suppression a PUT asks for: manual and for every category unless its body says otherwise.
    private func entry(_ request: Request) async throws -> Suppression {
        let body = try await request.collectBody(limit: 4 * 1024)
        var suppression = Suppression(scope: .all, reason: .manual)
        if body.readableBytes > 0 {
            let entry = try RequestDecoder.decode(Entry.self, from: Data(body.readableBytesView))
            if let reason = entry.reason {
                guard let parsed = Suppression.Reason(rawValue: reason) else {
                    throw APIError.invalid("reason", "reason must be one of "
                        + Suppression.Reason.allCases.map(\.rawValue).joined(separator: ", "))
                }
                suppression.reason = parsed
            }
            if let category = entry.category {
                guard let scope = Suppression.Scope(rawValue: category) else {
                    throw APIError.invalid("category", "category must be one of "
                        + Suppression.Scope.allCases.map(\.rawValue).joined(separator: ", "))
                }
                suppression.scope = scope
            }
        }
        return suppression
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (channel, recipient) = try target(context)
        guard let suppression = try await store.lookup(recipient, on: channel) else {
            throw APIError.notFound("suppression")
        }
        return JSONResponse.make(.ok, Self.json(channel, recipient, suppression))
    }

    @Sendable func lift(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (channel, recipient) = try target(context)
        guard try await store.lift(recipient, on: channel, by: context.actor) else { throw APIError.notFound("suppression") }
        return Response(status: .noContent)
    }

    private func target(_ context: HeraldRequestContext) throws -> (Channel, String) {
        let name = context.parameters.get("channel") ?? ""
        guard let channel = Channel(rawValue: name) else {
            throw APIError(status: 404, code: "unknown_channel", message: "unknown channel '\(name.prefix(32))'",
                           field: "channel")
        }
        let raw = context.parameters.get("recipient") ?? ""
        let recipient = raw.removingPercentEncoding ?? raw
        try validator.validateRecipient(recipient, channel: channel)
        return (channel, recipient)
    }

    static func json(_ channel: Channel, _ recipient: String, _ suppression: Suppression) -> String {
        #"{"channel":"\#(channel.rawValue)","recipient":\#(JSONText.quoted(recipient)),"reason":"\#(suppression.reason.rawValue)","category":"\#(suppression.scope.rawValue)"}"#
    }
}
