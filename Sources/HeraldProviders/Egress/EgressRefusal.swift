/// Why `EgressGuard` refuses a target.
public enum EgressRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host gave no address.
    case unresolvable(HostResolutionError)
    /// The host resolves to an address of `scope` that the policy does not allow.
    case notAllowed(AddressScope)

    public var description: String {
        switch self {
        case .unresolvable(let error): "host \(error)"
        case .notAllowed(let scope): "host resolves to an address that is not allowed (\(scope))"
        }
    }
}
