import AsyncHTTPClient
import Foundation
import HeraldRedis
import NIOCore

/// `herald serve` as a real process on loopback in the local sandbox (its own
/// provider simulators), on whatever Redis `environment` names: what an
/// operator runs, for tests that kill, restart or multiply instances.
public final class ServedHerald: Sendable {
    public let base: String
    public let running: HeraldProcess.Running

    private init(base: String, running: HeraldProcess.Running) {
        self.base = base
        self.running = running
    }

    /// Starts one and waits until `/ready` answers. Quiet hours are off
    /// unless `environment` sets `HERALD_QUIET_HOURS`.
    public static func start(_ environment: [String: String]) async throws -> ServedHerald {
        let port = try LocalRedisServer.freePort()
        var environment = environment
        environment["HERALD_HTTP_PORT"] = String(port)
        environment["HERALD_SIMULATOR_PORT"] = String(try LocalRedisServer.freePort())
        environment["HERALD_APNS_SIMULATOR_PORT"] = String(try LocalRedisServer.freePort())
        // As in `Harness`: no quiet hours unless the test sets them, or a
        // marketing send's fate would depend on the time of day the test runs.
        if environment["HERALD_QUIET_HOURS"] == nil { environment["HERALD_QUIET_HOURS"] = "off" }
        let herald = ServedHerald(base: "http://127.0.0.1:\(port)", running: try HeraldProcess.start(["serve"], environment: environment))
        do {
            try await eventually("herald answers", timeout: .seconds(60)) {
                guard herald.running.process.isRunning else {
                    throw ConditionTimeout(what: "herald keeps running; it printed: \(herald.running.printed)")
                }
                return (try? await HTTPClient.shared.execute(HTTPClientRequest(url: herald.base + "/ready"), timeout: .seconds(1)))?
                    .status == .ok
            }
        } catch {
            _ = try? await herald.running.stop()
            throw error
        }
        return herald
    }

    /// POSTs JSON; the status and the decoded reply.
    public func post(_ path: String, _ body: String) async throws -> (status: UInt, json: [String: Any]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return (response.status.code, (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:])
    }

    /// Sends a batch of SMS and returns the id of each, in order. Throws when the
    /// request fails, is not answered 202, or any item came back without an id:
    /// a caller that counts acknowledgements must see the ones that did not happen.
    public func sendBatch(_ recipients: [String], body: String = "hello") async throws -> [String] {
        let items = recipients.map { #"{"channel":"sms","to":"\#($0)","content":{"body":"\#(body)"}}"# }
        let reply = try await post("/v1/messages/batch", #"{"messages":["# + items.joined(separator: ",") + "]}")
        guard reply.status == 202, let results = reply.json["results"] as? [[String: Any]] else {
            throw BatchRefused(status: reply.status, reply: String(describing: reply.json).prefix(500))
        }
        let ids = results.compactMap { $0["id"] as? String }
        guard ids.count == recipients.count else { throw BatchRefused(status: reply.status, reply: String(describing: reply.json).prefix(500)) }
        return ids
    }

    /// A batch not accepted whole: its status and reply.
    public struct BatchRefused: Error, CustomStringConvertible {
        public let status: UInt
        public let reply: Substring
        public var description: String { "batch answered \(status): \(reply)" }
    }

    /// SIGKILL: no shutdown, no draining, as a crash.
    public func kill9() {
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
    }

    /// SIGTERM and wait; returns what it printed.
    @discardableResult
    public func stop() async throws -> String {
        try await running.stop().output
    }
}

extension RedisCommands {
    /// The status of each message, read straight from Redis in one pipelined round trip.
    public func statuses(_ ids: [String]) async throws -> [String] {
        let replies = try await pipeline(ids.map { ["HGET", ChannelKeys(messageID: $0)?.message($0) ?? "", "status"] })
        return replies.map { $0.string ?? "missing" }
    }
}
