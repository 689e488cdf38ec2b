import AsyncHTTPClient
import Foundation
import HeraldRedis
import NIOCore
import NIOHTTP1

/// The tests' own calls: HTTP requests to Herald, enqueues, and reading messages and keys back from Redis.
extension Harness {
    public struct Reply {
        public let status: UInt
        public let body: String
        public var headers = HTTPHeaders()
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    public func request(_ method: HTTPMethod, _ url: String, body: String? = nil, headers: [(String, String)] = [])
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 4 << 20)
        return Reply(status: response.status.code, body: String(decoding: collected.readableBytesView, as: UTF8.self),
                     headers: response.headers)
    }

    /// An authenticated API call.
    public func api(_ method: HTTPMethod, _ path: String, json: String? = nil, headers: [(String, String)] = [])
        async throws -> Reply
    {
        try await request(
            method, apiURL + path, body: json,
            headers: [("Authorization", "Bearer test-key"), ("Content-Type", "application/json")] + headers)
    }

    /// Enqueues an SMS and returns its id.
    public func sendSMS(to: String, body: String = "hello", extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages",
            json: #"{"channel":"sms","to":"\#(to)","content":{"body":"\#(body)"}\#(extra)}"#)
        return try Self.acceptedID(reply)
    }

    /// Enqueues a WeChat template message and returns its id.
    public func sendWeChat(to: String, extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages", json: #"{"channel":"wechat","to":"\#(to)","content":{"body":"您的订单已发货"}\#(extra)}"#)
        return try Self.acceptedID(reply)
    }

    /// Enqueues a push notification and returns its id.
    public func sendPush(to: String, extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages",
            json: #"{"channel":"push","to":"\#(to)","content":{"title":"Order shipped","body":"On its way"}\#(extra)}"#)
        return try Self.acceptedID(reply)
    }

    /// Enqueues an email and returns its id.
    public func sendEmail(to: String, extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages",
            json: #"{"channel":"email","to":"\#(to)","content":{"subject":"Grüße aus Herald","body":"Hello","html":"<p>Hello</p>"}\#(extra)}"#)
        return try Self.acceptedID(reply)
    }

    /// The id of a 202 enqueue reply; anything else is an error naming the reply.
    static func acceptedID(_ reply: Reply) throws -> String {
        guard reply.status == 202, let id = reply.json["id"] as? String else {
            throw HarnessError("enqueue answered \(reply.status): \(reply.body)")
        }
        return id
    }

    public func message(_ id: String) async throws -> StoredMessage {
        guard let message = try await store.message(id: id) else { throw HarnessError("message \(id) is not in Redis") }
        return message
    }

    public func status(_ id: String) async throws -> String {
        try await message(id).fields["status"] ?? ""
    }

    public struct Event: Equatable {
        public let at: Int64
        public let type: String
        public let detail: String
    }

    /// The message's event history, oldest first.
    public func events(_ id: String) async throws -> [Event] {
        try await message(id).events.map { Event(at: $0.at, type: $0.type, detail: $0.detail) }
    }

    /// Waits until the message reaches `status`.
    /// On timeout the error names where the message stands and its history.
    public func waitForStatus(_ id: String, _ status: String, timeout: Duration = .seconds(30)) async throws {
        do {
            try await eventually("\(id) reaches \(status)", timeout: timeout) {
                (try? await self.status(id)) == status
            }
        } catch let timeout as ConditionTimeout {
            let history = (try? await events(id).map { "\($0.at) \($0.type) \($0.detail)" }.joined(separator: "; ")) ?? "unreadable"
            throw ConditionTimeout(what: timeout.what + " (it is \((try? await self.status(id)) ?? "unreadable"): \(history))")
        }
    }

    /// Every key in Redis (on every master of a cluster), for "nothing changed" assertions.
    public func keySnapshot() async throws -> [String] {
        try await keysByNode().values.flatMap { $0 }.sorted()
    }

    /// Every key, by the node that holds it (one node when not on a cluster).
    public func keysByNode() async throws -> [String: [String]] {
        guard let client = redis as? RedisClusterClient else {
            return ["redis": try await redis.send(["KEYS", "*"]).orThrow().array.compactMap(\.string)]
        }
        try await client.refreshTopology()
        var keys: [String: [String]] = [:]
        for master in client.masters {
            let node = RedisClient(endpoint: RedisEndpoint(address: .tcp(
                host: "127.0.0.1", port: Int(master.split(separator: ":").last!)!)), connections: 1)
            defer { node.close() }
            keys[master] = try await node.send(["KEYS", "*"]).orThrow().array.compactMap(\.string)
        }
        return keys
    }
}
