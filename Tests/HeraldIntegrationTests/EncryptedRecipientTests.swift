import AsyncHTTPClient
import Crypto
import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import NIOCore
import Testing
import HeraldAdapters

@Suite("Encrypted recipients")
struct EncryptedRecipientTests {
    static let clear = "+14155550199"
    static let oldKey = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    static let newKey = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    static let keyring = RecipientKeyring(keys: [("k2", newKey), ("k1", oldKey)])

    /// Every key name and every value in Redis, as one text to search.
    static func dump(_ redis: RedisClient) async throws -> String {
        var text = ""
        var cursor = "0"
        repeat {
            let page = try await redis.send(["SCAN", cursor, "COUNT", "1000"]).orThrow().array
            cursor = page[0].string ?? "0"
            for key in page[1].array.compactMap(\.string) {
                text += key + "\n"
                let type = try await redis.send(["TYPE", key]).orThrow().string ?? ""
                let command: [String] = switch type {
                case "string": ["GET", key]
                case "hash": ["HGETALL", key]
                case "list": ["LRANGE", key, "0", "-1"]
                case "set": ["SMEMBERS", key]
                case "zset": ["ZRANGE", key, "0", "-1"]
                case "stream": ["XRANGE", key, "-", "+"]
                default: ["TYPE", key]
                }
                text += flatten(try await redis.send(command).orThrow()) + "\n"
            }
        } while cursor != "0"
        return text
    }

    static func flatten(_ value: RedisValue) -> String {
        if let string = value.string { return string }
        return value.array.map(flatten).joined(separator: " ")
    }

    static func post(_ url: String, _ body: String) async throws -> (status: UInt, json: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return (response.status.code, json)
    }

    static func get(_ url: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
    }

    @Test("herald serve decrypts AES recipients only to send: rotated keys work, a wrong key fails once, and the number is in no Redis key, value or log line")
    func neverStoredOrLogged() async throws {
        let directory = NSTemporaryDirectory() + "herald-aes-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let redisPort = try LocalRedisServer.freePort()
        let server = try LocalRedisServer(directory: directory, port: redisPort, appendOnly: false)
        defer { server.stop() }
        let redis = RedisClient(endpoint: server.endpoint)
        defer { redis.close() }
        let port = try LocalRedisServer.freePort()
        let base = "http://127.0.0.1:\(port)"
        var environment: [String: String] = [:]
        environment["HERALD_REDIS_URL"] = "redis://127.0.0.1:\(redisPort)"
        environment["HERALD_HTTP_PORT"] = String(port)
        environment["HERALD_SIMULATOR_PORT"] = String(try LocalRedisServer.freePort())
        environment["HERALD_APNS_SIMULATOR_PORT"] = String(try LocalRedisServer.freePort())
        let keys: String = "k2:" + Self.newKey.base64EncodedString() + ",k1:" + Self.oldKey.base64EncodedString()
        environment["HERALD_RECIPIENT_KEYS"] = keys
        environment["HERALD_LOG_LEVEL"] = "debug"
        let herald = try HeraldProcess.start(["serve"], environment: environment)
        do {
            try await eventually("herald answers", timeout: .seconds(60)) {
                (try? await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/ready"), timeout: .seconds(1)))?.status == .ok
            }
            func send(_ mode: RecipientEncryption, keyID: String, sealedWith: String) async throws -> String {
                let to = try Self.keyring.encrypt(Self.clear, mode: mode, keyID: sealedWith)
                let reply = try await Self.post(base + "/v1/messages", #"{"channel":"sms","to":"\#(to)","to_encryption":"\#(mode == .aes256GCM ? "aes" : mode.rawValue)","to_key_id":"\#(keyID)","content":{"body":"Your code is 1234"}}"#)
                #expect(reply.status == 202, "\(reply.json)")
                return try #require(reply.json["id"] as? String)
            }
            let current = try await send(.aes256GCM, keyID: "k2", sealedWith: "k2")
            let rotated = try await send(.aes256GCM, keyID: "k1", sealedWith: "k1")
            let legacy = try await send(.aes256CBC, keyID: "k2", sealedWith: "k2")
            let wrong = try await send(.aes256GCM, keyID: "k1", sealedWith: "k2")
            for id in [current, rotated, legacy] {
                try await eventually("\(id) is delivered", timeout: .seconds(30)) {
                    try await Self.get(base + "/v1/messages/\(id)")["status"] as? String == "delivered"
                }
            }
            try await eventually("the wrongly keyed message fails", timeout: .seconds(30)) {
                try await Self.get(base + "/v1/messages/\(wrong)")["status"] as? String == "failed"
            }
            let failed = try await Self.get(base + "/v1/messages/\(wrong)")
            #expect(failed["attempts"] as? Int == 1)
            #expect((failed["error"] as? String)?.hasPrefix("decrypt_failed") == true, "\(failed)")

            let dump = try await Self.dump(redis)
            #expect(dump.contains(current) && dump.contains("rfp"))
            #expect(!dump.contains("14155550199"), "the clear number is stored in Redis")
        } catch {
            _ = try? await herald.stop()
            throw error
        }
        let finished = try await herald.stop()
        #expect(finished.output.contains("recipient could not be decrypted"), "\(finished.output.suffix(2_000))")
        #expect(!finished.output.contains("14155550199"), "the clear number is logged")
    }

    @Test("a suppression set for the clear number applies to the encrypted recipient, and a malformed or unkeyed one is refused at once")
    func suppressedByFingerprint() async throws {
        var options = HarnessOptions()
        options.recipientKeys = Self.keyring
        try await withHarness(options) { h in
            #expect(try await h.api(.PUT, "/v1/suppressions/sms/\(Self.clear)").status == 201)
            let to = try Self.keyring.encrypt(Self.clear, mode: .aes256GCM)
            let reply = try await h.api(.POST, "/v1/messages", json:
                #"{"channel":"sms","to":"\#(to)","to_encryption":"aes","content":{"body":"Sale"},"category":"marketing"}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let id = try #require(reply.json["id"] as? String)
            try await h.waitForStatus(id, "suppressed")
            #expect(h.ledger(TwilioRegistration.name).requests(to: Self.clear) == 0)
            #expect(try await h.message(id).fields["rfp"]?.hasPrefix("fp:") == true)

            let before = try await h.keySnapshot()
            for (body, field) in [
                (#"{"channel":"sms","to":"not base64!","to_encryption":"aes","content":{"body":"x"}}"#, "to"),
                (#"{"channel":"sms","to":"\#(to)","to_encryption":"aes","to_key_id":"k9","content":{"body":"x"}}"#, "to_key_id"),
                (#"{"channel":"sms","to":"\#(to)","to_encryption":"aes-128-cbc","content":{"body":"x"}}"#, "to_encryption"),
                (#"{"channel":"sms","to":"\#(to)","to_encryption":"sha256","content":{"body":"x"}}"#, "to_encryption"),
                (#"{"channel":"sms","to":"+14155550100","to_key_id":"k2","content":{"body":"x"}}"#, "to_key_id"),
            ] {
                let refused = try await h.api(.POST, "/v1/messages", json: body)
                #expect(refused.status == 422, "\(refused.body)")
                #expect((refused.json["error"] as? [String: Any])?["field"] as? String == field, "\(refused.body)")
            }
            #expect(try await h.keySnapshot() == before)
        }
    }
}
