/// Why a host name gave no address.
public enum HostResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The resolver answered with no address (an unknown name, a failed lookup).
    case failed(String)
    /// No answer within the resolver's timeout.
    case timedOut(milliseconds: Int64)

    public var description: String {
        switch self {
        case .failed(let reason): "does not resolve: \(reason)"
        case .timedOut(let milliseconds): "did not resolve within \(milliseconds) ms"
        }
    }
}
