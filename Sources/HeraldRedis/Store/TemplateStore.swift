import Foundation
import HeraldCore

/// Templates in Redis: one hash per template holding `latest` and every kept
/// version as JSON (`v:3`), and a set of names for listing. Templates are a
/// documented long-lived kind: they do not expire.
public struct TemplateStore: Sendable {
    public let redis: any RedisCommands
    /// How many versions of a template are kept; older ones can no longer be read back.
    public let keptVersions: Int
    /// Every put and delete writes its audit entry in the same script.
    public let audit: AuditTrail

    public init(redis: any RedisCommands, keptVersions: Int = 100, audit: AuditTrail = AuditTrail()) {
        self.redis = redis
        self.keptVersions = keptVersions
        self.audit = audit
    }

    static let names = "herald:{tpl}:names"
    static let auditStream = AuditTrail.stream(tag: "tpl")
    static func key(_ name: String) -> String { "herald:{tpl}:t:" + name }

    /// The latest version's number, nil when the template does not exist.
    public func latestVersion(_ name: String) async throws -> Int? {
        try await redis.send(["HGET", Self.key(name), "latest"]).orThrow().string.flatMap { Int($0) }
    }

    /// One version, or the latest when `version` is nil.
    public func template(_ name: String, version: Int? = nil) async throws -> MessageTemplate? {
        var number = version
        if number == nil { number = try await latestVersion(name) }
        guard let number,
              let json = try await redis.send(["HGET", Self.key(name), "v:\(number)"]).orThrow().string
        else { return nil }
        return try JSONDecoder().decode(MessageTemplate.self, from: Data(json.utf8))
    }

    /// Stores a new version made from the latest by `change` (nil for a new
    /// template), retrying when a concurrent PUT stored one first. `change`
    /// may throw to refuse (a channel that does not match, say).
    public func put(_ name: String, nowMillis: Int64, by actor: AuditActor,
                    change: (MessageTemplate?) throws(APIError) -> MessageTemplate) async throws -> MessageTemplate
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for _ in 0..<8 {
            let current = try await template(name)
            var next = try change(current)
            next.name = name
            next.version = (current?.version ?? 0) + 1
            next.createdAtMillis = nowMillis
            let json = String(decoding: try encoder.encode(next), as: UTF8.self)
            let call = TemplateTransition.put(name, json: json, readVersion: current?.version ?? 0,
                                              keptVersions: keptVersions, audit: audit, by: actor)
            let reply = try TemplateTransition.PutReply(try await redis.run(Scripts.templatePut, keys: call.keys,
                                                                            arguments: call.arguments))
            if reply == .stored(version: next.version) { return next }
        }
        throw APIError(status: 409, code: "template_conflict", message: "template \(name) is being changed concurrently; retry")
    }

    /// Deletes every version; false when there was none.
    public func delete(_ name: String, by actor: AuditActor) async throws -> Bool {
        let call = TemplateTransition.delete(name, audit: audit, by: actor)
        return try TemplateTransition.DeleteReply(try await redis.run(Scripts.templateDelete, keys: call.keys,
                                                                      arguments: call.arguments)) == .deleted
    }

    /// Every template's name, sorted.
    public func names() async throws -> [String] {
        let reply = try await redis.send(["SMEMBERS", Self.names]).orThrow()
        return reply.array.compactMap(\.string).sorted()
    }

    /// Every template's name and latest version, sorted by name, in two round trips.
    public func latestVersions() async throws -> [(name: String, version: Int)] {
        let names = try await names()
        let replies = try await redis.pipeline(names.map { ["HGET", Self.key($0), "latest"] })
        return zip(names, replies).compactMap { name, reply in reply.string.flatMap { Int($0) }.map { (name, $0) } }
    }
}
