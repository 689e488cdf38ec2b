import HeraldCore

/// The seam between the dispatcher and a provider, like NIO's ChannelHandler:
/// each adapter under `adapters/` implements it, and the dispatcher needs
/// nothing else to know about Twilio, SendGrid or a webhook.
///
/// `send` never throws: every failure is classified into a `SendOutcome`, so
/// the retry decision is explicit at the adapter that understands the error.
public protocol ChannelProvider: Sendable {
    /// Stable provider name used in keys, metrics and event history ("twilio").
    var name: String { get }
    /// The channel this provider carries.
    var channel: Channel { get }
    /// Whether this provider can reach the recipient at all: on the push
    /// channel an APNs device token is not an FCM registration token, so the
    /// dispatcher routes by recipient before it fails over by health.
    func canDeliver(to recipient: String) -> Bool
    /// The kind of message within the channel a recipient can decline on its
    /// own (a WeChat subscribe template), or nil when declining is per
    /// channel: a message whose topic the recipient declined is not sent.
    func topic(of message: OutboundMessage) -> String?
    func send(_ message: OutboundMessage) async -> SendOutcome
    /// Whether every receipt this provider posts names Herald's message id
    /// (Twilio's callback URL carries it): then the provider's own id need not
    /// be indexed to find the message, which saves Redis a key per message.
    var receiptsNameMessage: Bool { get }
}

extension ChannelProvider {
    public func canDeliver(to recipient: String) -> Bool { true }

    public func topic(of message: OutboundMessage) -> String? { nil }

    public var receiptsNameMessage: Bool { false }
}
