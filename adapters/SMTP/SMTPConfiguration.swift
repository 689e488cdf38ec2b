import HeraldCore

/// An SMTP relay reached through libcurl. `url` is `smtp://host:port` (STARTTLS
/// is used when the server offers it, or required with `requireTLS`) or
/// `smtps://host:port` (TLS from the first byte).
public struct SMTPConfiguration: Sendable, Equatable {
    public var url: String
    public var username: String?
    public var password: String?
    public var fromAddress: String
    public var fromName: String?
    /// Refuse to send in clear text when the server does not offer STARTTLS.
    public var requireTLS: Bool
    /// A PEM file of extra trusted roots (a private relay's CA); nil uses the system's.
    public var caFile: String?
    public var timeoutMillis: Int
    /// Marketing mail carries List-Unsubscribe links made by these.
    public var unsubscribeLinks: UnsubscribeLinks?

    public init(
        url: String, username: String? = nil, password: String? = nil, fromAddress: String, fromName: String? = nil,
        requireTLS: Bool = false, caFile: String? = nil, timeoutMillis: Int = 30_000,
        unsubscribeLinks: UnsubscribeLinks? = nil
    ) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.username = username
        self.password = password
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.requireTLS = requireTLS
        self.caFile = caFile
        self.timeoutMillis = timeoutMillis
        self.unsubscribeLinks = unsubscribeLinks
    }

    /// The domain of the sender address: Message-IDs and EHLO use it.
    public var senderDomain: String {
        fromAddress.split(separator: "@").last.map(String.init) ?? "localhost"
    }
}
