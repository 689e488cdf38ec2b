/// Where the local sandbox's providers are: Herald's simulators, reached with
/// the data directory's random `SandboxSecrets`. Present only in the sandbox
/// (no API keys, loopback, no real provider account).
public struct SandboxProviders: Sendable {
    /// The data directory's random secrets, shared with the simulators.
    public var secrets: SandboxSecrets
    /// The HTTP/1.1 simulators' listener.
    public var simulatorURL: String
    /// The listener of simulators that need HTTP/2 over TLS (APNs).
    public var tlsSimulatorURL: String
    /// The certificate the TLS listener serves, trusted only by the sandbox's clients of it.
    public var tlsTrustRootsPEM: String

    public init(secrets: SandboxSecrets, simulatorURL: String, tlsSimulatorURL: String, tlsTrustRootsPEM: String) {
        self.secrets = secrets
        self.simulatorURL = simulatorURL
        self.tlsSimulatorURL = tlsSimulatorURL
        self.tlsTrustRootsPEM = tlsTrustRootsPEM
    }

    /// The secrets of one provider.
    public func secrets(of registration: any ProviderRegistration.Type) -> ProviderSecrets {
        secrets[provider: registration.name]
    }
}
