/// The closed label sets of Herald's metrics, as types: a misspelled label
/// value is a compile error, not a new time series nobody alerts on.
public enum AttemptOutcome: String, Sendable {
    case accepted, retrying, failed, suppressed, skip, throttled
    case invalidRecipient = "invalid_recipient"
    case optedOut = "opted_out"
    case decryptFailed = "decrypt_failed"
}

/// A sending policy's decision about a claimed message, before any provider call.
public enum PolicyDecision: String, Sendable {
    case suppressed
    case fatigueAdmitted = "fatigue_admitted"
    case fatigueDeferred = "fatigue_deferred"
    case fatigueSuppressed = "fatigue_suppressed"
    case quietDeferred = "quiet_deferred"
    case quietExpired = "quiet_expired"
    case campaignPaused = "campaign_paused"
    case campaignCanceled = "campaign_canceled"
}

/// A provider circuit breaker's new state.
public enum BreakerState: String, Sendable {
    case open, closed
}

/// Where a Redis failure was seen.
public enum RedisErrorPlace: String, Sendable {
    case read, reclaim, release, claim, reveal, fatigue, record, promote, metrics, events
    case rateLimit = "rate_limit"
}

/// What fetched a short link: a person's click, or a link preview (unfurler).
public enum LinkFetchKind: String, Sendable {
    case click, preview
}
