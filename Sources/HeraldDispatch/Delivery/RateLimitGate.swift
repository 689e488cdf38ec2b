import HeraldCore

/// Step 3 of delivery: reserves a send slot of the chosen provider's rate
/// limit, if it has one, and waits for it; without a slot within the horizon
/// the message is put back until one may be free. When the wait is cut short
/// by shutdown, the message is put back too: sending it early would break the
/// limit. A Redis failure here lets the send go ahead: recording its outcome
/// needs Redis anyway.
struct RateLimitGate: Sendable {
    let context: DeliveryContext

    /// True when the message was put back instead of sent now.
    func throttled(_ claimed: ClaimedMessage, provider: String) async -> Bool {
        guard let limit = context.configuration.rateLimits[provider] else { return false }
        let reservation: TokenReservation
        do {
            reservation = try await context.store.reserveToken(provider: provider, limit: limit)
        } catch {
            context.metrics.redisErrors(.rateLimit)
            return false
        }
        switch reservation {
        case .sendAfter(let millis):
            guard millis > 0 else { return false }
            let slot = ContinuousClock.now.advanced(by: .milliseconds(millis))
            await context.stopping.sleep(until: slot)
            let early = slot - ContinuousClock.now
            guard early > .zero else { return false }
            await putBack(claimed, provider: provider, dueMillis: WallClock.nowMillis() + early.wholeMillisecondsRoundedUp)
            return true
        case .deferFor(let millis):
            // Spread the deferred messages over the horizon instead of waking them all at once.
            await putBack(claimed, provider: provider,
                          dueMillis: WallClock.nowMillis() + millis + Int64.random(in: 0...Int64(max(1, limit.horizonMillis))))
            return true
        }
    }

    /// Returns a message that has no send slot now to the delayed set, its
    /// stream entry finished: no attempt is counted and nothing stays pending.
    private func putBack(_ claimed: ClaimedMessage, provider: String, dueMillis: Int64) async {
        context.metrics.attempt(context.channel, provider: provider, outcome: .throttled)
        let store = context.store
        await context.record(claimed) {
            try await store.markThrottled(claimed, provider: provider, dueMillis: dueMillis, nowMillis: WallClock.nowMillis())
        }
    }
}
