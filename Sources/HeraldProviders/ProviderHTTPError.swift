/// Why a provider request got no HTTP response. The case says whether the
/// request can have reached the provider, which decides how a provider that
/// is not idempotent is retried (`HTTPOutcome.neverSent`).
public enum ProviderHTTPError: Error, CustomStringConvertible {
    /// The URL is not `http(s)://host[:port]/…`.
    case invalidURL(String)
    /// No connection was made (refused, unreachable, connect timeout, TLS
    /// handshake failed): the request was never written.
    case connectFailed(String)
    /// The connection closed before the whole response arrived.
    case connectionClosed
    /// No whole response within the read timeout.
    case timeout(milliseconds: Int64)
    /// The response body exceeded the client's limit.
    case responseTooLarge(limit: Int)
    /// The client's `EgressGuard` refused the host: it resolves to an address
    /// of this scope that its policy does not allow. Nothing was sent.
    case addressNotAllowed(AddressScope)

    /// A failed connect or TLS handshake, described in at most 200 characters.
    static func connectFailed(_ error: any Error) -> ProviderHTTPError {
        .connectFailed(String(describing: error).prefix(200).description)
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid provider URL: \(url.prefix(100))"
        case .connectFailed(let reason): "connect failed: \(reason)"
        case .connectionClosed: "connection closed before the response was complete"
        case .timeout(let milliseconds): "no response within \(milliseconds) ms"
        case .responseTooLarge(let limit): "response body larger than \(limit) bytes"
        case .addressNotAllowed(let scope): "refused to connect: the host resolves to an address that is not allowed (\(scope))"
        }
    }
}
