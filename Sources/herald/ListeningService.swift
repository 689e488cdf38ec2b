import NIOCore
import ServiceLifecycle

/// A server that names the address it could not bind: NIO's own error says
/// only "Address already in use (errno: 98)", which leaves an operator with
/// several services guessing which port is taken.
struct ListeningService<Server: Service>: Service {
    let server: Server
    /// What listens there, for the message ("the HTTP API", "the provider simulators").
    let role: String
    let host: String
    let port: Int

    func run() async throws {
        do {
            try await server.run()
        } catch let error as IOError where error.description.hasPrefix("bind(") {
            throw ConfigurationError("cannot listen on \(host):\(port) for \(role): \(error.description)")
        }
    }
}
