import Crypto
import Foundation

/// One-click unsubscribe links (RFC 8058) for marketing mail: `<base>/u/<token>`,
/// where the token names the channel and recipient and carries an HMAC, so
/// Herald needs no table of issued links and nobody can unsubscribe someone else.
public struct UnsubscribeLinks: Sendable, Equatable {
    /// Herald's public URL.
    public var baseURL: String
    let secret: String

    public init(baseURL: String, secret: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.secret = secret
    }

    /// The link for one recipient of one channel, as put in List-Unsubscribe.
    public func url(channel: Channel, recipient: String) -> String {
        baseURL + "/u/" + token(channel: channel, recipient: recipient)
    }

    /// `base64url(channel:recipient).base64url(HMAC-SHA256)`.
    public func token(channel: Channel, recipient: String) -> String {
        let subject = channel.rawValue + ":" + recipient
        return Base64URL.encode(Data(subject.utf8)) + "." + mac(subject)
    }

    /// The channel and recipient a token was issued for; nil when it is malformed or forged.
    public func verify(_ token: String) -> (channel: Channel, recipient: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 1_024, let data = Base64URL.decode(String(parts[0])),
              let subject = String(data: data, encoding: .utf8), ConstantTime.equal(String(parts[1]), mac(subject)),
              let colon = subject.firstIndex(of: ":"), let channel = Channel(rawValue: String(subject[..<colon]))
        else { return nil }
        return (channel, String(subject[subject.index(after: colon)...]))
    }

    private func mac(_ subject: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(subject.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Base64URL.encode(Data(code).prefix(16))
    }
}
