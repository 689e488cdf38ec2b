import Foundation
import HeraldProviders
import HeraldRegistry
import HeraldSimulators

/// Whether a Herald process is the local sandbox, and the refusals that keep
/// it from being an open relay: without API keys Herald serves only on
/// loopback and only with simulated providers.
enum Sandbox {
    /// The sandbox's providers when there are no API keys, neither in
    /// `HERALD_API_KEYS` nor stored (`herald keys create`); nil otherwise.
    /// Throws, naming the reason, when no API keys meet a non-loopback
    /// address or a real provider account.
    static func decide(config: HeraldConfiguration, role: Gateway.Role, storedKeys: Bool) throws -> SandboxProviders? {
        guard config.apiKeys.isEmpty, !storedKeys else { return nil }
        try refuseUnsafe(config: config, role: role)
        return SandboxProviders(
            secrets: try SandboxSecrets.load(directory: config.dataDirectory, registrations: ProviderRegistry.builtIn.all),
            simulatorURL: try config.simulatorURL(), tlsSimulatorURL: try config.apnsSimulatorURL(),
            tlsTrustRootsPEM: SimulatorTLS.certificatePEM)
    }

    /// Throws when a gateway without `HERALD_API_KEYS` would be an open relay
    /// if Redis held no key either: a real provider account, or a non-loopback
    /// address.
    static func refuseUnsafe(config: HeraldConfiguration, role: Gateway.Role) throws {
        let real = ProviderRegistry.builtIn.realAccountKeys(in: config.providerSettings)
        if !real.isEmpty {
            throw ConfigurationError(
                "refusing to start: \(real.joined(separator: ", ")) configure a real provider account, but HERALD_API_KEYS "
                    + "is empty, so anyone who reaches the port could send at your cost. Set HERALD_API_KEYS, or remove "
                    + "the provider settings to run the local sandbox.")
        }
        if role != .worker, !isLoopback(config.httpHost) {
            throw ConfigurationError(
                "refusing to start: HERALD_HTTP_HOST=\(config.httpHost) is not a loopback address, but HERALD_API_KEYS is "
                    + "empty. Set HERALD_API_KEYS, or listen on 127.0.0.1 to run the local sandbox.")
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
