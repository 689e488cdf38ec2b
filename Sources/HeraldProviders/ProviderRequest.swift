import NIOCore
import NIOHTTP1

/// One request to a provider's HTTP/1.1 API: what every adapter builds and
/// `ProviderHTTPClient.execute` sends.
public struct ProviderRequest: Sendable {
    public var url: String
    public var method: HTTPMethod = .GET
    public var headers = HTTPHeaders()
    public var body: ByteBuffer?

    public init(url: String) {
        self.url = url
    }
}

/// A provider's reply: the status, the headers and the whole body.
public struct ProviderResponse: Sendable {
    public var status: UInt
    public var headers: HTTPHeaders
    public var body: ByteBuffer
}
