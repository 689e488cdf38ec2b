import Foundation
import HeraldProviders
import HeraldSimulators
import NIOCore
import NIOSSL
import HeraldTesting
import Testing

@Suite("Provider HTTP client")
struct ProviderHTTPClientTests {
    static func post(_ url: String, _ body: String) -> ProviderRequest {
        var request = ProviderRequest(url: url)
        request.method = .POST
        request.body = ByteBuffer(string: body)
        return request
    }

    @Test("sequential requests share one keep-alive connection, with Host, method and body on the wire")
    func keepAlive() async throws {
        let server = try await ScriptedHTTPServer.start()
        let client = try ProviderHTTPClient(maxConnectionsPerHost: 4)
        for index in 1...5 {
            let response = try await client.execute(Self.post(server.url("/echo"), "n=\(index)"))
            #expect(response.status == 200)
            #expect(String(buffer: response.body) == "POST 127.0.0.1:\(server.port) n=\(index)")
        }
        #expect(server.connections == 1)
        await client.shutdown()
    }

    @Test("a `Connection: close` reply is not reused: the next request opens a new connection")
    func connectionClose() async throws {
        let server = try await ScriptedHTTPServer.start()
        let client = try ProviderHTTPClient(maxConnectionsPerHost: 4)
        #expect(String(buffer: try await client.execute(ProviderRequest(url: server.url("/close"))).body) == "bye")
        #expect(try await client.execute(Self.post(server.url("/echo"), "again")).status == 200)
        #expect(server.connections == 2)
        await client.shutdown()
    }

    @Test("more concurrent requests than connections wait for a free one and all complete")
    func waiters() async throws {
        let server = try await ScriptedHTTPServer.start()
        let client = try ProviderHTTPClient(maxConnectionsPerHost: 2)
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<40 {
                group.addTask { String(buffer: try await client.execute(Self.post(server.url("/echo"), "\(index)")).body) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(bodies.count == 40)
        #expect(server.connections <= 2)
        await client.shutdown()
    }

    @Test("a body over the limit, a silent server and a refused connection fail with what they are")
    func failures() async throws {
        let server = try await ScriptedHTTPServer.start()
        let client = try ProviderHTTPClient(maxConnectionsPerHost: 4, maxResponseBytes: 1 << 20)
        await #expect {
            _ = try await client.execute(ProviderRequest(url: server.url("/big")))
        } throws: { error in
            if case .responseTooLarge? = error as? ProviderHTTPError { return true }
            return false
        }
        let impatient = try ProviderHTTPClient(readTimeout: .milliseconds(300))
        do {
            _ = try await impatient.execute(Self.post(server.url("/silent"), "x"))
            Issue.record("a silent server must time out")
        } catch {
            guard case .timeout? = error as? ProviderHTTPError else { throw error }
            #expect(!HTTPOutcome.neverSent(error), "the request was written: a timeout is ambiguous")
        }
        do {
            _ = try await client.execute(ProviderRequest(url: "http://127.0.0.1:1/"))
            Issue.record("port 1 must refuse the connection")
        } catch {
            guard case .connectFailed? = error as? ProviderHTTPError else { throw error }
            #expect(HTTPOutcome.neverSent(error), "a refused connection never carried the request")
        }
        await #expect(throws: ProviderHTTPError.self) { _ = try await client.execute(ProviderRequest(url: "ftp://example.com/")) }
        // Still serving after every failure.
        #expect(try await client.execute(Self.post(server.url("/echo"), "ok")).status == 200)
        await client.shutdown()
        await impatient.shutdown()
    }

    @Test("https: TLS against a trusted certificate works; an untrusted one fails before the request is sent")
    func tls() async throws {
        let server = try await ScriptedHTTPServer.start(tls: try SimulatorTLS.serverConfiguration())
        let trusting = try ProviderHTTPClient(trustRootsPEM: SimulatorTLS.certificatePEM)
        let response = try await trusting.execute(Self.post(server.url("/echo", secure: true), "secret"))
        #expect(String(buffer: response.body) == "POST 127.0.0.1:\(server.port) secret")
        let systemRoots = try ProviderHTTPClient()
        do {
            _ = try await systemRoots.execute(Self.post(server.url("/echo", secure: true), "secret"))
            Issue.record("a self-signed certificate must not be trusted by default")
        } catch {
            guard case .connectFailed? = error as? ProviderHTTPError else { throw error }
            #expect(HTTPOutcome.neverSent(error))
        }
        await trusting.shutdown()
        await systemRoots.shutdown()
    }
}
