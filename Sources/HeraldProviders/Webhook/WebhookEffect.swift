import HeraldCore

/// One change a verified provider request asks for. The HTTP layer applies
/// effects in order, after the whole request has been verified and parsed.
public enum WebhookEffect: Sendable, Equatable {
    /// A delivery receipt or engagement event for one message.
    case receipt(ProviderReceipt)
    /// The recipient asked to stop (STOP, unfollow) or cannot receive: suppress them on `channel`.
    case suppress(recipient: String, channel: Channel, suppression: Suppression, outcome: String)
    /// The recipient asked to receive again (START): lift an unsubscribe, never an invalid-recipient entry.
    case liftUnsubscribe(recipient: String, channel: Channel, outcome: String)
    /// Understood and deliberately ignored (an intermediate status, an ordinary reply); counted under `outcome`.
    case ignored(outcome: String)
}

