import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One shared AsyncHTTPClient for every adapter: pooled keep-alive connections
/// per provider host, sized for the dispatcher's concurrency.
public enum ProviderHTTPClient {
    public static func make(maxConnectionsPerHost: Int = 256, timeoutSeconds: Int64 = 15) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(timeoutSeconds))
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Executes a request and collects up to 1 MiB of response body.
    public static func execute(
        _ client: HTTPClient, _ request: HTTPClientRequest, timeoutSeconds: Int64 = 15
    ) async throws -> (status: UInt, headers: HTTPHeaders, body: ByteBuffer) {
        let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, response.headers, body)
    }
}
