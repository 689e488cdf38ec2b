import Crypto
import Foundation

/// Somewhere events are delivered, with its own queue: a subscription, or
/// one `callback_url` that messages named (all messages naming the same URL
/// share its queue, signed with the callback secret).
public struct EventTarget: Sendable, Equatable {
    public let id: String
    public let url: String
    public let secret: String
    /// Nil for a callback target.
    public let subscription: EventSubscription?

    public init(subscription: EventSubscription) {
        id = subscription.id
        url = subscription.url
        secret = subscription.secret
        self.subscription = subscription
    }

    public init(callbackURL: String, secret: String) {
        id = Self.callbackID(callbackURL)
        url = callbackURL
        self.secret = secret
        subscription = nil
    }

    /// Whether `id` names a callback target rather than a subscription.
    public static func isCallbackID(_ id: String) -> Bool { id.hasPrefix("cb_") }

    /// `cb_` and the first 20 hex digits of the URL's SHA-256: one queue per URL.
    public static func callbackID(_ url: String) -> String {
        "cb_" + SHA256.hash(data: Data(url.utf8)).prefix(10).map { String(format: "%02x", $0) }.joined()
    }
}
