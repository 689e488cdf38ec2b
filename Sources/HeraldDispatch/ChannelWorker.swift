import Foundation
import HeraldCore
import HeraldMetrics
import HeraldProviders
import HeraldRedis
import Logging

/// Reads one channel's streams and hands what it claims to the delivery
/// pipeline (`DeliveryPipeline`), up to the channel's concurrency. Each partition of the channel has its own reader (and its own
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
        let pipeline = DeliveryPipeline(
            context: DeliveryContext(channel: channel, store: store, configuration: configuration, metrics: metrics,
                                     logger: logger, stopping: stopping),
            providers: providers)
        for message in claimed {
            group.addTask {
                await pipeline.deliver(message)
                limiter.release(message.entry.key)
            }
        }
        return true
    }

    /// Promotes due delayed work, then sleeps until the earliest due time
    /// Redis reported, or until this process delays work due sooner
    /// (`DelayedWorkNotices`), but no longer than the idle poll: an idle
    /// channel costs one promote per `promoteIdleMillis` instead of one per
    /// `promoteIntervalMillis`.
    private func promoteLoop(_ partitions: [ChannelKeys]) async {
        let notices = DelayedWorkNotices.shared
        let clock = ContinuousClock()
        while !Task.isCancelled, !stopping.isStopping {
            var nextDue: Int64?
            let started = WallClock.nowMillis()
            notices.take(channel)
            do {
                let replies = try await store.promoteDue(partitions, nowMillis: started)
                let total = replies.reduce(0) { $0 + $1.moved }
                if total > 0 { metrics.promoted(channel, count: total) }
                if replies.contains(where: { $0.moved >= 1_000 }) { continue }
                nextDue = replies.compactMap(\.nextDueMillis).min()
            } catch {
                metrics.redisErrors(.promote)
                nextDue = started + Int64(configuration.promoteIntervalMillis)
            }
            let idleUntil = clock.now.advanced(by: .milliseconds(configuration.promoteIdleMillis))
            while !Task.isCancelled, !stopping.isStopping, clock.now < idleUntil {
                let now = WallClock.nowMillis()
                let due = [nextDue, notices.peek(channel)].compactMap { $0 }.min()
                if let due, due <= now { break }
                let step = min(Int64(configuration.promoteIntervalMillis), due.map { $0 - now } ?? .max)
                await stopping.sleep(until: min(idleUntil, clock.now.advanced(by: .milliseconds(step))))
            }
        }
    }
}
