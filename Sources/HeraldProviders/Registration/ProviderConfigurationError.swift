/// A provider that cannot be set up from the configuration: a missing or
/// malformed setting. Herald refuses to start with it, saying which setting.
public struct ProviderConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
