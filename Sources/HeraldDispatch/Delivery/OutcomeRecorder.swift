import HeraldCore
import HeraldMetrics
import HeraldProviders
import HeraldRedis

/// The last step of delivery: writes what a provider answered. Accepted
/// records the provider's id; a retryable failure or a throttle schedules the
/// next attempt (and pauses the provider's bucket on a throttle); a permanent
/// failure fails the message; an invalid recipient or an opt-out also
/// suppresses them.
struct OutcomeRecorder: Sendable {
    let context: DeliveryContext

    /// Whether `outcome` ends the message for good (no attempt follows).
    func isFinal(_ outcome: SendOutcome, _ claimed: ClaimedMessage) -> Bool {
        switch outcome {
        case .accepted: false
        case .retryable, .throttled: claimed.message.attempt >= context.configuration.backoff(for: context.channel).maxAttempts
        case .permanent, .invalidRecipient, .optedOut, .declined: true
        }
    }

    func record(_ outcome: SendOutcome, of claimed: ClaimedMessage, provider: String, indexProviderID: Bool = true,
                fatigue: FatigueGate.Holding?) async {
        let (channel, store, metrics, configuration) = (context.channel, context.store, context.metrics, context.configuration)
        let now = WallClock.nowMillis()
        let backoff = configuration.backoff(for: channel)
        await context.record(claimed) {
            switch outcome {
            case .accepted(let providerMessageID, let status):
                metrics.attempt(channel, provider: provider, outcome: .accepted)
                try await store.markAccepted(
                    claimed, provider: provider, providerMessageID: providerMessageID, status: status,
                    indexProviderID: indexProviderID, nowMillis: now,
                    note: fatigue.map { "; fatigue admitted (" + $0.windows.map(\.description).joined(separator: ", ") + ")" } ?? "")
            case .retryable(let code, let message, let retryAfter), .throttled(let code, let message, let retryAfter):
                if case .throttled = outcome, let limit = configuration.rateLimits[provider] {
                    let pause = retryAfter ?? Int64(1_000 / limit.perSecond)
                    try await store.pauseBucket(provider: provider, millis: pause)
                    context.logger.notice("provider throttles the account: rate limit paused", metadata: [
                        "provider": "\(provider)", "pause_ms": "\(pause)",
                    ])
                }
                let delay = backoff.delayMillis(afterAttempt: claimed.message.attempt, retryAfterMillis: retryAfter)
                let result = try await store.markFailed(
                    claimed, provider: provider, code: code, message: message, permanent: false,
                    dueMillis: now + delay, maxAttempts: backoff.maxAttempts, nowMillis: now)
                metrics.attempt(channel, provider: provider, outcome: AttemptOutcome(rawValue: result) ?? .failed)
                context.logger.info("send attempt failed", metadata: [
                    "id": "\(claimed.message.id)", "to": "\(PIIMask.recipient(claimed.message.to, channel: channel))",
                    "provider": "\(provider)", "code": "\(code)", "result": "\(result)", "delay_ms": "\(delay)",
                ])
            case .permanent(let code, let message):
                metrics.attempt(channel, provider: provider, outcome: .failed)
                try await store.markFailed(
                    claimed, provider: provider, code: code, message: message, permanent: true, dueMillis: now,
                    maxAttempts: backoff.maxAttempts, nowMillis: now)
            case .invalidRecipient(let code, let message):
                metrics.attempt(channel, provider: provider, outcome: .invalidRecipient)
                try await store.markFailed(
                    claimed, provider: provider, code: "invalid_recipient:" + code, message: message,
                    permanent: true, dueMillis: now, maxAttempts: backoff.maxAttempts, nowMillis: now,
                    suppress: Suppression(scope: .all, reason: .invalidRecipient))
            case .optedOut(let code, let message):
                metrics.attempt(channel, provider: provider, outcome: .optedOut)
                try await store.markFailed(
                    claimed, provider: provider, code: "opted_out:" + code, message: message,
                    permanent: true, dueMillis: now, maxAttempts: backoff.maxAttempts, nowMillis: now,
                    suppress: Suppression(scope: .all, reason: .unsubscribed), endSuppressed: true)
            case .declined(let code, let message, let topic):
                metrics.attempt(channel, provider: provider, outcome: .optedOut)
                try await store.markFailed(
                    claimed, provider: provider, code: "declined:" + code, message: message,
                    permanent: true, dueMillis: now, maxAttempts: backoff.maxAttempts, nowMillis: now,
                    suppress: Suppression(scope: .all, reason: .notSubscribed), endSuppressed: true,
                    suppressing: Suppression.topicRecipient(claimed.message.to, topic: topic))
            }
        }
    }
}
