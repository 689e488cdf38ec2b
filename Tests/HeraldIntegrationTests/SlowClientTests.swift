import AsyncHTTPClient
import Foundation
import HeraldRedis
import HeraldTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client that sends half a request and stops cannot hold a connection for
/// ever: the idle read timeout closes it, while other clients are served.
@Suite("Slow clients")
struct SlowClientTests {
    /// A loopback socket that sent `bytes` and then nothing.
    final class HalfSentRequest {
        let descriptor: Int32

        init(port: Int, bytes: String) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                close(descriptor)
                throw ConditionTimeout(what: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
            }
            _ = bytes.withCString { send(descriptor, $0, strlen($0), 0) }
        }

        /// Whether the server closed the connection (a read sees end of file or a reset), without waiting.
        var isClosedByServer: Bool {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }

        deinit { close(descriptor) }
    }

    @Test("200 half-sent requests are closed after the idle timeout while a normal request is still answered")
    func halfSentRequestsClosed() async throws {
        let directory = NSTemporaryDirectory() + "herald-slow-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let herald = try await ServedHerald.start([
            "HERALD_REDIS_URL": server.endpoint.description, "HERALD_DATA_DIR": directory + "/herald",
            "HERALD_HTTP_IDLE_TIMEOUT_SECONDS": "10",
        ])
        do {
            try await Self.check(herald)
        } catch {
            _ = try? await herald.stop()
            throw error
        }
        try await herald.stop()
    }

    private static func check(_ herald: ServedHerald) async throws {
        let port = Int(herald.base.split(separator: ":").last!)!
        let slow = try (0..<200).map { _ in
            try HalfSentRequest(port: port, bytes: "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        }
        // A pooled keep-alive connection from the start-up probe may itself have been closed as
        // idle: a new request then goes out on a fresh one.
        try await eventually("served while 200 half-sent requests are open", timeout: .seconds(30)) {
            (try? await HTTPClient.shared.execute(HTTPClientRequest(url: herald.base + "/health"), timeout: .seconds(5)))?
                .status == .ok
        }
        #expect(slow.contains { !$0.isClosedByServer }, "answered while half-sent requests were still held open")
        try await eventually("every half-sent request is closed", timeout: .seconds(30)) {
            slow.allSatisfy(\.isClosedByServer)
        }
        try await eventually("served after they are closed", timeout: .seconds(30)) {
            (try? await HTTPClient.shared.execute(HTTPClientRequest(url: herald.base + "/health"), timeout: .seconds(5)))?
                .status == .ok
        }
    }
}
