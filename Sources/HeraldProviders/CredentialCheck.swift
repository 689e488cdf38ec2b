/// What `herald doctor` learned about a provider's credentials without
/// sending anything: a read-only call the provider authenticates (Twilio's
/// account resource, SendGrid's scopes, an OAuth or access token).
public enum CredentialCheck: Sendable, Equatable {
    /// The provider accepted the credentials.
    case valid(String)
    /// The provider refused them, or could not be reached; the text says which and what to do.
    case invalid(String)
}

/// A provider whose credentials can be checked without sending a message;
/// `herald doctor` says of the others that they offer no such check.
public protocol CredentialChecking: Sendable {
    func checkCredentials() async -> CredentialCheck
}

extension CredentialCheck {
    /// The verdict for an authenticated read-only request's HTTP status.
    public static func from(status: UInt, provider: String, fix: String) -> CredentialCheck {
        switch status {
        case 200..<300: .valid("\(provider) accepted the credentials")
        case 401, 403: .invalid("\(provider) refused the credentials (HTTP \(status)): \(fix)")
        default: .invalid("\(provider) answered HTTP \(status) to a credential check")
        }
    }
}
