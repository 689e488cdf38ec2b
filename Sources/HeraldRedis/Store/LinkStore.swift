import HeraldCore

/// Short links in Redis: a hash per code with the long URL, the message it
/// belongs to, and its counters. A link expires `lifetime` after creation;
/// its key lives `gracePeriod` longer so that a late visitor gets 410 Gone,
/// not 404.
public struct LinkStore: Sendable {
    public let redis: any RedisCommands
    public let lifetimeSeconds: Int
    public let gracePeriodSeconds: Int

    public init(redis: any RedisCommands, lifetimeSeconds: Int = 90 * 86_400, gracePeriodSeconds: Int = 30 * 86_400) {
        self.redis = redis
        self.lifetimeSeconds = lifetimeSeconds
        self.gracePeriodSeconds = gracePeriodSeconds
    }

    static func key(_ code: String) -> String { "herald:link:" + code }

    /// A link as stored.
    public struct Link: Sendable, Equatable {
        public var code: String
        public var url: String
        public var messageID: String?
        public var createdAtMillis: Int64
        public var expiresAtMillis: Int64
        public var clicks: Int
        public var previews: Int
        public var firstClickMillis: Int64?
        public var lastClickMillis: Int64?
        /// Fetches by `UserAgentClass`.
        public var userAgents: [String: Int]
    }

    /// Creates one link per URL in one pipelined round trip, each with a fresh
    /// random code (drawn again on the rare collision). Returns the codes in order.
    public func create(_ urls: [String], messageID: String?, nowMillis: Int64) async throws -> [String] {
        try await create(urls.map { ($0, messageID ?? "") }, nowMillis: nowMillis)
    }

    /// The same for links of many messages (`messageID` "" for none).
    public func create(_ urls: [(url: String, messageID: String)], nowMillis: Int64) async throws -> [String] {
        var codes = urls.map { _ in ShortLinkCode.make() }
        var pending = Array(urls.indices)
        let expiresAt = nowMillis + Int64(lifetimeSeconds) * 1000
        for _ in 0..<4 where !pending.isEmpty {
            let replies = try await redis.runMany(Scripts.linkCreate, calls: pending.map { index in
                LinkTransition.create(code: codes[index], url: urls[index].url, messageID: urls[index].messageID,
                                      nowMillis: nowMillis, expiresAtMillis: expiresAt,
                                      keyTTLSeconds: lifetimeSeconds + gracePeriodSeconds)
            })
            var collided: [Int] = []
            for (index, reply) in zip(pending, replies) where try LinkTransition.Reply(reply) == .codeTaken {
                codes[index] = ShortLinkCode.make()
                collided.append(index)
            }
            pending = collided
        }
        guard pending.isEmpty else { throw RedisError.unexpectedReply("no free short link code after 4 draws") }
        return codes
    }

    /// What a redirect needs: the long URL, when the link expires, its message id.
    /// `HGET` of the message a link was made for (empty or nil: none).
    public static func messageCommand(_ code: String) -> [String] { ["HGET", key(code), "message_id"] }

    public func target(_ code: String) async throws -> (url: String, expiresAtMillis: Int64, messageID: String?)? {
        let fields = try await redis.send(["HMGET", Self.key(code), "url", "expires_at", "message_id"]).orThrow().array
        guard fields.count == 3, let url = fields[0].string else { return nil }
        let messageID = fields[2].string.flatMap { $0.isEmpty ? nil : $0 }
        return (url, fields[1].string.flatMap { Int64($0) } ?? 0, messageID)
    }

    /// The whole link with its counters.
    public func link(_ code: String) async throws -> Link? {
        let fields = try await redis.send(["HGETALL", Self.key(code)]).orThrow().fields
        guard let url = fields["url"] else { return nil }
        var agents: [String: Int] = [:]
        for (name, value) in fields where name.hasPrefix("ua:") { agents[String(name.dropFirst(3))] = Int(value) ?? 0 }
        return Link(
            code: code, url: url, messageID: fields["message_id"].flatMap { $0.isEmpty ? nil : $0 },
            createdAtMillis: fields["created_at"].flatMap { Int64($0) } ?? 0,
            expiresAtMillis: fields["expires_at"].flatMap { Int64($0) } ?? 0,
            clicks: fields["clicks"].flatMap { Int($0) } ?? 0, previews: fields["previews"].flatMap { Int($0) } ?? 0,
            firstClickMillis: fields["first_click_at"].flatMap { Int64($0) },
            lastClickMillis: fields["last_click_at"].flatMap { Int64($0) }, userAgents: agents)
    }

    /// One recorded fetch of a link.
    public struct Click: Sendable, Equatable {
        public var code: String
        public var atMillis: Int64
        public var agent: UserAgentClass
        public var messageID: String?

        public init(code: String, atMillis: Int64, agent: UserAgentClass, messageID: String?) {
            self.code = code
            self.atMillis = atMillis
            self.agent = agent
            self.messageID = messageID
        }
    }

    /// Records many fetches: the links' counters and, for clicks, their
    /// messages', as two script lists sent together (each script stays in one slot).
    public func record(_ clicks: [Click]) async throws {
        async let links = redis.runMany(Scripts.clickLink, calls: clicks.map(ClickTransition.onLink))
        async let messages = redis.runMany(Scripts.clickMessage, calls: clicks.compactMap(ClickTransition.onMessage))
        _ = try await (links, messages)
    }
}
