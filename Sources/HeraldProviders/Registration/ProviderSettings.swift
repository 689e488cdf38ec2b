/// The `HERALD_*` settings as a provider reads them: plain strings, an empty
/// value counting as unset, and a clear error naming a missing one.
public struct ProviderSettings: Sendable {
    let values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The value of `key`, or nil when it is unset or empty.
    public func string(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }

    /// The value of `key`, which the provider cannot work without.
    public func required(_ key: String, for provider: String) throws -> String {
        guard let value = string(key) else {
            throw ProviderConfigurationError("\(key) is required when \(provider) is configured")
        }
        return value
    }

    /// The contents of the file `key` names.
    public func file(_ key: String) throws -> String? {
        guard let path = string(key) else { return nil }
        guard let data = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ProviderConfigurationError("\(key): cannot read \(path)")
        }
        return data
    }
}
