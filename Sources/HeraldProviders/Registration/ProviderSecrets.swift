/// One provider's sandbox secrets by name, as its registration drew them
/// (`drawSandboxSecrets`) and as its sender, webhook and simulator read them.
public struct ProviderSecrets: Sendable, Equatable {
    /// The secrets by name.
    public let values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The secret `name`; empty when the provider never drew it, which its
    /// simulator then refuses, as a provider refuses a wrong credential.
    public subscript(_ name: String) -> String { values[name] ?? "" }
}
