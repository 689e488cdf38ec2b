/// Where the local sandbox's providers are: Herald's simulators, reached with
/// the data directory's random `SandboxSecrets`. Present only in the sandbox
/// (no API keys, loopback, no real provider account).
public struct SandboxProviders: Sendable {
    /// The data directory's random secrets, shared with the simulators.
    public var secrets: SandboxSecrets
    /// The HTTP simulators (Twilio, Aliyun, SendGrid, FCM, WeChat, webhook sink).
    public var simulatorURL: String
    /// The APNs simulator (HTTP/2 over TLS).
    public var apnsSimulatorURL: String
    /// The certificate the APNs simulator serves, trusted only by the sandbox's APNs client.
    public var apnsTrustRootsPEM: String

    public init(secrets: SandboxSecrets, simulatorURL: String, apnsSimulatorURL: String, apnsTrustRootsPEM: String) {
        self.secrets = secrets
        self.simulatorURL = simulatorURL
        self.apnsSimulatorURL = apnsSimulatorURL
        self.apnsTrustRootsPEM = apnsTrustRootsPEM
    }
}
