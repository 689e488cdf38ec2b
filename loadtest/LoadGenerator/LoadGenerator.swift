import HeraldRedis
import NIOCore
import NIOPosix

/// Drives Herald's API over keep-alive HTTP/1.1 connections and, when given
/// Redis, follows every accepted message to its provider and receipt.
public struct LoadGenerator: Sendable {
    public let plan: LoadPlan

    public init(plan: LoadPlan) {
        self.plan = plan
    }

    public func run(redis: (any RedisCommands)?, drainTimeout: Duration) async throws -> LoadReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let report = try await drive(group: group, redis: redis, drainTimeout: drainTimeout)
        try await group.shutdownGracefully()
        return report
    }

    private func drive(group: MultiThreadedEventLoopGroup, redis: (any RedisCommands)?, drainTimeout: Duration) async throws
        -> LoadReport
    {
        let dispenser = RequestDispenser(
            total: plan.requests, rate: plan.rate, messagesPerRequest: plan.mode == .single ? 1 : plan.batchSize)
        let plan = self.plan
        var futures: [EventLoopFuture<ConnectionResult>] = []
        for _ in 0..<min(plan.connections, plan.requests) {
            let loop = group.next()
            let done = loop.makePromise(of: ConnectionResult.self)
            let bootstrap = ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            LoadConnectionHandler(plan: plan, dispenser: dispenser, done: done))
                    }
                }
            bootstrap.connect(host: plan.host, port: plan.port).whenFailure { done.fail($0) }
            futures.append(done.futureResult)
        }
        var merged = ConnectionResult()
        for future in futures {
            let result = try await future.get()
            merged.ids.append(contentsOf: result.ids)
            merged.latenciesMicros.append(contentsOf: result.latenciesMicros)
            merged.errors += result.errors
            merged.resent += result.resent
            merged.unknown += result.unknown
            for (status, count) in result.statusCounts { merged.statusCounts[status, default: 0] += count }
        }
        let seconds = Double((ContinuousClock.now - dispenser.start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - dispenser.start).components.seconds)
        var report = LoadReport(
            plan: plan, requests: merged.latenciesMicros.count, accepted: merged.ids.count, httpErrors: merged.errors,
            statusCounts: merged.statusCounts, resent: merged.resent, unknown: merged.unknown, sendSeconds: seconds,
            acceptedPerSecond: Double(merged.ids.count) / max(seconds, 0.001),
            requestLatency: LatencySummary(values: merged.latenciesMicros, scale: 0.001, unit: "ms"),
            delivery: nil)
        if let redis {
            report.delivery = try await DeliveryTracker(redis: redis).track(ids: merged.ids, drainTimeout: drainTimeout)
        }
        return report
    }
}
