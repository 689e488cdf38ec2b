/// An Apple Push Notification service account with token-based auth.
public struct APNsConfiguration: Sendable, Equatable {
    /// `https://api.push.apple.com` (or the sandbox) in production, the simulator locally.
    public var baseURL: String
    public var teamID: String
    /// The id of the .p8 key in Apple's developer account.
    public var keyID: String
    /// The .p8 file's contents (PEM, PKCS#8, P-256).
    public var privateKeyPEM: String
    /// The app's bundle id: `apns-topic`.
    public var topic: String
    /// Extra trusted roots (PEM) for a private endpoint such as the simulator; nil trusts the system's.
    public var trustRootsPEM: String?
    /// How long APNs keeps trying an offline device, in seconds.
    public var expirationSeconds: Int64

    public init(
        baseURL: String, teamID: String, keyID: String, privateKeyPEM: String, topic: String,
        trustRootsPEM: String? = nil, expirationSeconds: Int64 = 86_400
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.teamID = teamID
        self.keyID = keyID
        self.privateKeyPEM = privateKeyPEM
        self.topic = topic
        self.trustRootsPEM = trustRootsPEM
        self.expirationSeconds = expirationSeconds
    }
}
