import HeraldCore

/// How a send attempt ended, in the terms the retry policy needs: the
/// dispatcher never inspects provider-specific codes itself.
public enum SendOutcome: Sendable, Equatable {
    /// The provider took the message. `status` is `.sent` when a receipt will
    /// follow, `.delivered` when acceptance is delivery (webhooks).
    case accepted(providerMessageID: String, status: MessageStatus)
    /// Worth trying again later (5xx, timeouts, throttling). `retryAfterMillis`
    /// carries the provider's Retry-After.
    case retryable(code: String, message: String, retryAfterMillis: Int64?)
    /// The provider asks the whole account to slow down (HTTP 429, Twilio
    /// 20429, FCM QUOTA_EXCEEDED): this message is retried after
    /// `retryAfterMillis` like a retryable one, and the provider's rate limit,
    /// if it has one, pauses for every instance.
    case throttled(code: String, message: String, retryAfterMillis: Int64?)
    /// Trying again cannot help (bad request, auth, content refused).
    case permanent(code: String, message: String)

    /// Retryable or throttled: the attempt failed but a later one may not.
    public var isRetryable: Bool {
        switch self {
        case .retryable, .throttled: true
        default: false
        }
    }
    /// The recipient does not exist or cannot receive on this channel: the
    /// message fails and the recipient is suppressed on the channel.
    case invalidRecipient(code: String, message: String)
    /// The recipient refuses this sender (STOP'd the number, blocked or
    /// unfollowed the account): the message ends `suppressed` and so will
    /// every later one to them.
    case optedOut(code: String, message: String)
    /// The recipient refuses one kind of message but not the channel (WeChat
    /// 43101: no subscription left for this subscribe template): the message
    /// ends `suppressed` as `not_subscribed`, and only messages of the same
    /// `topic` (`ChannelProvider.topic(of:)`) to them are held back, until
    /// they subscribe again.
    case declined(code: String, message: String, topic: String)
}
