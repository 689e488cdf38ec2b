/// The two listeners simulators share: most providers speak HTTP/1.1, and a
/// few (APNs) only HTTP/2 over TLS, which needs its own port and certificate.
public enum SimulatorListener: Sendable, Equatable {
    case http
    case tls
}
