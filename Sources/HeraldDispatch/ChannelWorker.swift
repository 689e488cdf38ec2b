import Foundation
import HeraldCore
import HeraldMetrics
import HeraldProviders
import HeraldRedis
import Logging

/// Reads one channel's streams and sends what it reads, up to the channel's
/// concurrency. Each partition of the channel has its own reader (and its own
/// blocking connection, to the node serving it); they share the concurrency,
/// each taking at most its fair share per read. Also promotes due delayed
/// messages and reclaims entries of consumers that died.
struct ChannelWorker: Sendable {
    let channel: Channel
    let providers: ProviderChain
    let store: DispatchStore
    let configuration: DispatchConfiguration
    let metrics: HeraldMetrics
    let logger: Logger
    /// Set on a graceful shutdown: no new entry is read or claimed, and what
    /// is in flight finishes and is recorded.
    let stopping: StopSignal

    func run() async {
        // Every partition that may hold work, also those a lowered count no longer fills.
        let partitions = ChannelKeys.all(channel, store.settings.layout.read)
        while !Task.isCancelled, !stopping.isStopping {
            do {
                for keys in partitions { try await store.ensureGroups(keys) }
                break
            } catch {
                logger.error("cannot create consumer groups, retrying", metadata: ["channel": "\(channel)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let promoter = Task { await promoteLoop(partitions) }
        defer { promoter.cancel() }
        let limiter = InflightLimiter(limit: configuration.concurrency)
        let share = max(1, min(configuration.batchSize, configuration.concurrency / partitions.count))
        await withDiscardingTaskGroup { readers in
            for keys in partitions {
                readers.addTask { await read(keys, limiter: limiter, share: share) }
            }
        }
    }

    /// One partition's reader: blocking reads on a connection of its own,
    /// made again after a failure (the partition may have moved to another node).
    private func read(_ keys: ChannelKeys, limiter: InflightLimiter, share: Int) async {
        let clock = ContinuousClock()
        var nextReclaim = clock.now
        var connection: RedisConnection?
        defer { connection?.close() }
        // Set when entries this consumer read may have been left unfinished by
        // a Redis failure: they are read again at once, not after the visibility timeout.
        var recoverOwn = false
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !stopping.isStopping {
                if clock.now >= nextReclaim {
                    nextReclaim = clock.now.advanced(by: .milliseconds(max(configuration.visibilityTimeoutMillis / 2, 50)))
                    await reclaim(keys, into: &group, limiter: limiter)
                }
                let count = await limiter.reserve(upTo: share)
                let entries: [StreamEntry]
                do {
                    if connection == nil {
                        connection = try await store.redis.dedicatedConnection(
                            forKey: keys.stream(.normal), name: "xread-" + keys.prefix)
                    }
                    entries = try await store.read(
                        keys, consumer: configuration.consumerName, count: count,
                        blockMillis: configuration.blockMillis, on: connection!, ownPending: recoverOwn)
                    // Own pending entries that are all in flight here mean nothing is left to recover.
                    if recoverOwn { recoverOwn = entries.contains { !limiter.isInFlight($0.key) } }
                } catch {
                    limiter.settle(reserved: count, acquiring: [])
                    connection?.close()
                    connection = nil
                    recoverOwn = true
                    metrics.redisErrors(.read)
                    logger.warning("stream read failed", metadata: ["partition": "\(keys.prefix)", "error": "\(error)"])
                    // A Redis that came back empty has no consumer group: make it again.
                    if case RedisError.reply(let message)? = error as? RedisError, message.hasPrefix("NOGROUP") {
                        try? await store.ensureGroups(keys)
                    }
                    await stopping.sleep(until: clock.now.advanced(by: .milliseconds(500)))
                    continue
                }
                if await !start(entries, keys: keys, in: &group, limiter: limiter, reserved: count) {
                    recoverOwn = true
                    // Redis refused the claim: read the entries again after a pause, not in a tight loop.
                    await stopping.sleep(until: clock.now.advanced(by: .milliseconds(250)))
                }
            }
        }
    }

    private func reclaim(_ keys: ChannelKeys, into group: inout DiscardingTaskGroup, limiter: InflightLimiter) async {
        do {
            let entries = try await store.reclaim(
                keys, consumer: configuration.consumerName, minIdleMillis: configuration.visibilityTimeoutMillis,
                count: max(1, limiter.available))
            guard !entries.isEmpty else { return }
            metrics.reclaimed(channel, count: entries.count)
            logger.notice("reclaimed stalled entries", metadata: ["partition": "\(keys.prefix)", "count": "\(entries.count)"])
            await start(entries, keys: keys, in: &group, limiter: limiter, reserved: 0)
        } catch {
            metrics.redisErrors(.reclaim)
            logger.warning("reclaim failed", metadata: ["partition": "\(keys.prefix)", "error": "\(error)"])
        }
    }

    /// Claims and starts sending entries of one partition, settling the
    /// reader's reservation of `reserved` slots (0 for reclaimed entries);
    /// false when the claim failed (Redis trouble), leaving them pending under
    /// this consumer.
    @discardableResult
    private func start(
        _ entries: [StreamEntry], keys: ChannelKeys, in group: inout DiscardingTaskGroup, limiter: InflightLimiter,
        reserved: Int
    ) async -> Bool {
        let entries = entries.filter { !limiter.isInFlight($0.key) }
        guard !entries.isEmpty else {
            limiter.settle(reserved: reserved, acquiring: [])
            return true
        }
        if stopping.isStopping {
            // Read by a read that was under way when the stop came: given back, not claimed.
            limiter.settle(reserved: reserved, acquiring: [])
            do {
                let released = try await store.release(entries, keys: keys)
                logger.notice("stopping: entries read but not claimed given back", metadata: [
                    "partition": "\(keys.prefix)", "count": "\(released)",
                ])
            } catch {
                metrics.redisErrors(.release)
                logger.warning("stopping: entries could not be given back; another instance reclaims them",
                               metadata: ["partition": "\(keys.prefix)", "error": "\(error)"])
            }
            return true
        }
        let claimed: [ClaimedMessage]
        do {
            claimed = try await store.claim(entries, keys: keys, nowMillis: WallClock.nowMillis()) { reason in
                metrics.skipped(channel, reason: reason)
            }
        } catch {
            limiter.settle(reserved: reserved, acquiring: [])
            // The entries stay pending under this consumer: read again once Redis answers.
            metrics.redisErrors(.claim)
            logger.warning("claim failed", metadata: ["partition": "\(keys.prefix)", "error": "\(error)"])
            return false
        }
        limiter.settle(reserved: reserved, acquiring: claimed.map(\.entry.key))
        for message in claimed {
            group.addTask {
                await deliver(message)
                limiter.release(message.entry.key)
            }
        }
        return true
    }

    func deliver(_ claimed: ClaimedMessage) async {
        guard let claimed = await revealed(claimed) else { return }
        if await heldForQuietHours(claimed) { return }
        let started = ContinuousClock.now
        let selected = providers.select(for: claimed.message.to)
        let provider = selected?.provider ?? providers.providers[0]
        if selected != nil, await throttled(claimed, provider: provider.name) { return }
        let fatigue: FatigueHolding?
        switch await admitFatigue(claimed) {
        case .held: return
        case .admitted(let holding): fatigue = holding
        }
        let outcome = if let selected {
            await selected.provider.send(claimed.message)
        } else {
            SendOutcome.permanent(code: "no_provider", message: "no configured provider can reach this recipient")
        }
        metrics.sendDuration(provider: provider.name, ContinuousClock.now - started)
        if let selected, let transition = providers.record(outcome, provider: selected.index) { report(transition) }
        let now = WallClock.nowMillis()
        let backoff = configuration.backoff(for: channel)
        // A message that will never reach the person gives its fatigue tokens
        // back before its final status is written: whoever sees `failed` can
        // already use the token again.
        let final = switch outcome {
        case .accepted: false
        case .retryable, .throttled: claimed.message.attempt >= backoff.maxAttempts
        case .permanent, .invalidRecipient, .optedOut: true
        }
        if final, let fatigue { await giveBack(fatigue, claimed) }
        await recordWithRetries(claimed) {
            switch outcome {
            case .accepted(let providerMessageID, let status):
                metrics.attempt(channel, provider: provider.name, outcome: .accepted)
                try await store.markAccepted(
                    claimed, provider: provider.name, providerMessageID: providerMessageID, status: status,
                    nowMillis: now,
                    note: fatigue.map { "; fatigue admitted (" + $0.windows.map(\.description).joined(separator: ", ") + ")" } ?? "")
            case .retryable(let code, let message, let retryAfter), .throttled(let code, let message, let retryAfter):
                if case .throttled = outcome, let limit = configuration.rateLimits[provider.name] {
                    let pause = retryAfter ?? Int64(1_000 / limit.perSecond)
                    try await store.pauseBucket(provider: provider.name, millis: pause)
                    logger.notice("provider throttles the account: rate limit paused", metadata: [
                        "provider": "\(provider.name)", "pause_ms": "\(pause)",
                    ])
                }
                let delay = backoff.delayMillis(afterAttempt: claimed.message.attempt, retryAfterMillis: retryAfter)
                let result = try await store.markFailed(
                    claimed, provider: provider.name, code: code, message: message, permanent: false,
                    dueMillis: now + delay, maxAttempts: backoff.maxAttempts, nowMillis: now)
                metrics.attempt(channel, provider: provider.name, outcome: AttemptOutcome(rawValue: result) ?? .failed)
                logger.info("send attempt failed", metadata: [
                    "id": "\(claimed.message.id)", "to": "\(PIIMask.recipient(claimed.message.to, channel: channel))",
                    "provider": "\(provider.name)", "code": "\(code)", "result": "\(result)", "delay_ms": "\(delay)",
                ])
            case .permanent(let code, let message):
                metrics.attempt(channel, provider: provider.name, outcome: .failed)
                try await store.markFailed(
                    claimed, provider: provider.name, code: code, message: message, permanent: true, dueMillis: now,
                    maxAttempts: backoff.maxAttempts, nowMillis: now)
            case .invalidRecipient(let code, let message):
                metrics.attempt(channel, provider: provider.name, outcome: .invalidRecipient)
                try await store.markFailed(
                    claimed, provider: provider.name, code: "invalid_recipient:" + code, message: message,
                    permanent: true, dueMillis: now, maxAttempts: backoff.maxAttempts, nowMillis: now,
                    suppress: Suppression(scope: .all, reason: .invalidRecipient))
            case .optedOut(let code, let message):
                metrics.attempt(channel, provider: provider.name, outcome: .optedOut)
                try await store.markFailed(
                    claimed, provider: provider.name, code: "opted_out:" + code, message: message,
                    permanent: true, dueMillis: now, maxAttempts: backoff.maxAttempts, nowMillis: now,
                    suppress: Suppression(scope: .all, reason: .unsubscribed), endSuppressed: true)
            }
        }
    }

    /// The message with its recipient in clear. An encrypted recipient is
    /// decrypted here, in memory, just before sending; it is never written
    /// back. A wrong key or a corrupt id fails the message at once
    /// (`decrypt_failed`, no retry); a suppressed recipient ends `suppressed`.
    private func revealed(_ claimed: ClaimedMessage) async -> ClaimedMessage? {
        guard let mode = claimed.encryption else { return claimed }
        let now = WallClock.nowMillis()
        let clear: String
        do {
            clear = try configuration.recipientKeys.decrypt(claimed.message.to, mode: mode, keyID: claimed.keyID)
        } catch {
            metrics.attempt(channel, provider: "none", outcome: .decryptFailed)
            logger.warning("recipient could not be decrypted", metadata: [
                "id": "\(claimed.message.id)", "key_id": "\(claimed.keyID ?? "default")", "reason": "\(error)",
            ])
            await recordWithRetries(claimed) {
                try await store.markFailed(
                    claimed, provider: "none", code: "decrypt_failed",
                    message: "the recipient could not be decrypted with key \(claimed.keyID ?? "default") (\(mode.rawValue))",
                    permanent: true, dueMillis: now, maxAttempts: 1, nowMillis: now)
            }
            return nil
        }
        let fingerprint = store.settings.fingerprints.of(clear, on: channel)
        do {
            if let suppression = try await store.revealFingerprint(claimed, fingerprint: fingerprint),
               suppression.blocks(claimed.message.category)
            {
                metrics.policy(channel, decision: .suppressed)
                try await store.hold(claimed, .suppress(reason: suppression.reason.rawValue), event: "suppressed",
                                     detail: suppression.reason.rawValue, nowMillis: now)
                return nil
            }
        } catch {
            // The entry stays pending under this consumer and is tried again.
            metrics.redisErrors(.reveal)
            logger.warning("recipient suppression check failed", metadata: ["id": "\(claimed.message.id)", "error": "\(error)"])
            return nil
        }
        var revealed = claimed
        revealed.message.to = clear
        revealed.encryption = nil
        revealed.fingerprint = fingerprint
        return revealed
    }

    /// The fatigue tokens a message took, to give back if it never reaches the person.
    struct FatigueHolding: Sendable {
        let person: String
        let windows: [FatigueWindow]
        let zone: TimeZone
        let takenAtMillis: Int64
    }

    enum FatigueAdmission {
        /// Go ahead (holding tokens when the message counts against caps).
        case admitted(FatigueHolding?)
        /// Held back: over a cap (suppressed or deferred), or the counters could not be read.
        case held
    }

    /// Counts a marketing message against its person's caps on this channel,
    /// taking a token from every window or from none. Over a cap it ends
    /// `suppressed` (reason fatigue), or waits until a token frees when
    /// fatigue defers; the event names the window. Transactional messages
    /// neither check nor take.
    private func admitFatigue(_ claimed: ClaimedMessage) async -> FatigueAdmission {
        let message = claimed.message
        guard message.category == .marketing else { return .admitted(nil) }
        let windows = configuration.fatigue(for: channel, campaign: message.campaign)
        guard !windows.isEmpty else { return .admitted(nil) }
        let person = message.userID ?? claimed.fingerprint ?? store.settings.fingerprints.of(message.to, on: channel)
        let zone = message.timezone.flatMap(TimeZone.init(identifier:)) ?? configuration.defaultTimeZone
        let now = WallClock.nowMillis()
        let decision: FatigueStore.Decision
        do {
            decision = try await FatigueStore(redis: store.redis).take(
                person: person, channel: channel, windows: windows, messageID: message.id, zone: zone, nowMillis: now)
        } catch {
            // Sending unchecked could break a cap: try again in a second.
            metrics.redisErrors(.fatigue)
            await recordWithRetries(claimed) {
                try await store.hold(claimed, .until(dueMillis: now + 1_000), event: "fatigue_unavailable",
                                     detail: "the fatigue counters could not be read", nowMillis: now)
            }
            return .held
        }
        switch decision {
        case .admitted:
            metrics.policy(channel, decision: .fatigueAdmitted)
            return .admitted(FatigueHolding(person: person, windows: windows, zone: zone, takenAtMillis: now))
        case .refused(let window, let retryAfter):
            let defer_ = configuration.fatigueDefers
            metrics.policy(channel, decision: defer_ ? .fatigueDeferred : .fatigueSuppressed)
            await recordWithRetries(claimed) {
                if defer_ {
                    try await store.hold(claimed, .until(dueMillis: now + max(1_000, retryAfter)), event: "fatigue_deferred",
                                         detail: "window \(window) is full", nowMillis: now)
                } else {
                    try await store.hold(claimed, .suppress(reason: "fatigue"), event: "suppressed",
                                         detail: "fatigue: window \(window) is full", nowMillis: now)
                }
            }
            return .held
        }
    }

    private func giveBack(_ holding: FatigueHolding, _ claimed: ClaimedMessage) async {
        do {
            try await FatigueStore(redis: store.redis).giveBack(
                person: holding.person, channel: channel, windows: holding.windows, messageID: claimed.message.id,
                zone: holding.zone, takenAtMillis: holding.takenAtMillis)
        } catch {
            metrics.redisErrors(.fatigue)
        }
    }

    /// Reserves a send slot of the provider's rate limit, if it has one, and
    /// waits for it; without a slot within the horizon the message is put
    /// back until one may be free, and true is returned. When the wait is cut
    /// short by shutdown, the message is put back too: sending it early would
    /// break the limit. A Redis failure here lets the send go ahead: recording
    /// its outcome needs Redis anyway.
    private func throttled(_ claimed: ClaimedMessage, provider: String) async -> Bool {
        guard let limit = configuration.rateLimits[provider] else { return false }
        let reservation: TokenReservation
        do {
            reservation = try await store.reserveToken(provider: provider, limit: limit)
        } catch {
            metrics.redisErrors(.rateLimit)
            return false
        }
        switch reservation {
        case .sendAfter(let millis):
            guard millis > 0 else { return false }
            let slot = ContinuousClock.now.advanced(by: .milliseconds(millis))
            await stopping.sleep(until: slot)
            let early = slot - ContinuousClock.now
            guard early > .zero else { return false }
            let now = WallClock.nowMillis()
            await putBack(claimed, provider: provider, dueMillis: now + early.wholeMillisecondsRoundedUp)
            return true
        case .deferFor(let millis):
            let now = WallClock.nowMillis()
            // Spread the deferred messages over the horizon instead of waking them all at once.
            await putBack(claimed, provider: provider,
                          dueMillis: now + millis + Int64.random(in: 0...Int64(max(1, limit.horizonMillis))))
            return true
        }
    }

    /// Holds a marketing message while its recipient's quiet hours last: back
    /// to the delayed set until the window ends, at a random place on the ramp
    /// after it, or `expired` when it would expire before then. True when held.
    private func heldForQuietHours(_ claimed: ClaimedMessage) async -> Bool {
        let message = claimed.message
        guard message.category == .marketing, let quiet = configuration.quietHours[channel] else { return false }
        let zone = message.timezone.flatMap(TimeZone.init(identifier:)) ?? configuration.defaultTimeZone
        let now = WallClock.nowMillis()
        guard let end = quiet.windowEnd(containing: now, in: zone) else { return false }
        let due = end + Int64.random(in: 0...max(0, quiet.rampMillis))
        let expire = message.expiresAtMillis.map { $0 <= due } ?? false
        metrics.policy(channel, decision: expire ? .quietExpired : .quietDeferred)
        await recordWithRetries(claimed) {
            try await store.hold(
                claimed, expire ? .expire : .until(dueMillis: due), event: expire ? "expired" : "quiet_hours",
                detail: expire ? "expires_at falls inside the recipient's quiet hours" : "held until \(due)", nowMillis: now)
        }
        return true
    }

    /// Returns a message that has no send slot now to the delayed set, its
    /// stream entry finished: no attempt is counted and nothing stays pending.
    private func putBack(_ claimed: ClaimedMessage, provider: String, dueMillis: Int64) async {
        metrics.attempt(channel, provider: provider, outcome: .throttled)
        await recordWithRetries(claimed) {
            try await store.markThrottled(claimed, provider: provider, dueMillis: dueMillis, nowMillis: WallClock.nowMillis())
        }
    }

    private func report(_ transition: ProviderChain.Transition) {
        switch transition {
        case .opened(let name):
            metrics.breaker(channel, provider: name, state: .open)
            logger.warning("provider failing: circuit opened, traffic moves to the next provider", metadata: [
                "channel": "\(channel)", "provider": "\(name)",
                "cooldown_ms": "\(configuration.breaker.cooldownMillis)",
            ])
        case .closed(let name):
            metrics.breaker(channel, provider: name, state: .closed)
            logger.notice("provider recovered: circuit closed", metadata: ["channel": "\(channel)", "provider": "\(name)"])
        }
    }

    /// Writing the outcome must survive a Redis restart: if it is lost the
    /// entry is reclaimed after the visibility timeout and sent again, so keep
    /// trying, with backoff up to 5 s, for 30 s (a Redis restart with its AOF
    /// takes a few seconds).
    private func recordWithRetries(_ claimed: ClaimedMessage, _ record: () async throws -> Void) async {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await record()
                return
            } catch {
                metrics.redisErrors(.record)
                logger.warning("cannot record send outcome", metadata: [
                    "id": "\(claimed.message.id)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                let pause = Duration.milliseconds(min(5_000, 100 << min(attempt, 6)))
                guard ContinuousClock.now.advanced(by: pause) < deadline, !Task.isCancelled else { return }
                try? await Task.sleep(for: pause)
            }
        }
    }

    private func promoteLoop(_ partitions: [ChannelKeys]) async {
        while !Task.isCancelled, !stopping.isStopping {
            do {
                let moved = try await store.promoteDue(partitions, nowMillis: WallClock.nowMillis())
                let total = moved.reduce(0, +)
                if total > 0 { metrics.promoted(channel, count: total) }
                if moved.contains(where: { $0 >= 1_000 }) { continue }
            } catch {
                metrics.redisErrors(.promote)
            }
            await stopping.sleep(until: ContinuousClock.now.advanced(by: .milliseconds(configuration.promoteIntervalMillis)))
        }
    }
}
