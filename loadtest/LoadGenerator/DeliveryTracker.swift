import HeraldCore
import HeraldRedis

/// How the accepted messages fared after the API said 202: read back from
/// the message hashes in Redis (timestamps written by the Lua transitions).
public struct DeliveryReport: Sendable, CustomStringConvertible {
    public var accepted: Int
    public var dispatched: Int
    public var delivered: Int
    public var failed: Int
    /// Accepted but never handed to a provider (nor failed) when the drain
    /// deadline passed: what Herald lost or left behind.
    public var lost: Int
    /// Handed to a provider whose final receipt had not arrived by the deadline
    /// (a simulator that gave up posting a callback, under overload).
    public var awaitingReceipt: Int
    public var dispatchedPerSecond: Double
    public var deliveredPerSecond: Double
    /// created → provider accepted (sent_at), milliseconds.
    public var dispatchLatency: LatencySummary
    /// created → delivered receipt applied, milliseconds.
    public var deliveryLatency: LatencySummary
    /// The same figures per channel, when the run mixed channels.
    public var perChannel: [ChannelFigures]

    /// Dispatch figures of one channel of a mixed run.
    public struct ChannelFigures: Sendable, CustomStringConvertible {
        public var channel: Channel
        public var accepted: Int
        public var dispatched: Int
        public var dispatchedPerSecond: Double
        public var dispatchLatency: LatencySummary

        public var description: String {
            "  \(channel.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) accepted \(accepted)  dispatched \(dispatched)"
                + "  dispatched/s \(Int(dispatchedPerSecond.rounded()))  accepted → dispatched \(dispatchLatency)"
        }
    }

    public var description: String {
        var text = """
        dispatched/s \(Int(dispatchedPerSecond.rounded()))   delivered/s \(Int(deliveredPerSecond.rounded()))
        accepted \(accepted)  dispatched \(dispatched)  delivered \(delivered)  failed \(failed)  awaiting receipt \(awaitingReceipt)  lost \(lost)
        accepted → dispatched  \(dispatchLatency)
        accepted → delivered   \(deliveryLatency)
        """
        if perChannel.count > 1 { text += "\nper channel:\n" + perChannel.map(\.description).joined(separator: "\n") }
        return text
    }
}

/// Polls Redis until every accepted message is delivered or failed, or the deadline passes.
public struct DeliveryTracker: Sendable {
    let redis: any RedisCommands

    public init(redis: any RedisCommands) {
        self.redis = redis
    }

    struct Row {
        var channel: Channel
        var status: String
        var created: Int64
        var sent: Int64?
        var delivered: Int64?

        /// When the provider took the message: `sent_at`, or `delivered_at` for
        /// providers whose acceptance is final (push, SMTP, webhooks).
        var dispatched: Int64? { sent ?? delivered }
    }

    public func track(ids: [String], drainTimeout: Duration) async throws -> DeliveryReport {
        let deadline = ContinuousClock.now.advanced(by: drainTimeout)
        var finished: [Row] = []
        var pending = ids
        var unfinished: [Row] = []
        // Only messages not yet final are read again, so following a run costs
        // Redis little while the gateway is still working.
        while true {
            let rows: [Row]
            do {
                rows = try await read(pending)
            } catch {
                // Redis away (a fault run restarts it): follow up once it answers again.
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            var stillPending: [String] = []
            unfinished = []
            for (id, row) in zip(pending, rows) {
                if Self.isFinal(row.status) {
                    finished.append(row)
                } else {
                    stillPending.append(id)
                    unfinished.append(row)
                }
            }
            pending = stillPending
            if pending.isEmpty || ContinuousClock.now > deadline { break }
            // Reading a large backlog costs Redis about 3 µs a message: wait
            // longer between reads while much is pending (at most ~5% of Redis).
            try await Task.sleep(for: .milliseconds(max(1_000, pending.count / 20)))
        }
        let rows = finished + unfinished
        let dispatched = rows.filter { $0.dispatched != nil }
        let delivered = rows.filter { $0.delivered != nil }
        let firstCreated = rows.map(\.created).min() ?? 0
        let lastSent = dispatched.compactMap(\.dispatched).max() ?? firstCreated
        let lastDelivered = delivered.compactMap(\.delivered).max() ?? firstCreated
        let failed = rows.filter { Self.isFinal($0.status) && $0.status != "delivered" }.count
        return DeliveryReport(
            accepted: ids.count, dispatched: dispatched.count, delivered: delivered.count, failed: failed,
            lost: rows.filter { $0.dispatched == nil && !Self.isFinal($0.status) }.count,
            awaitingReceipt: rows.filter { $0.dispatched != nil && !Self.isFinal($0.status) }.count,
            dispatchedPerSecond: Double(dispatched.count) / max(0.001, Double(lastSent - firstCreated) / 1000),
            deliveredPerSecond: Double(delivered.count) / max(0.001, Double(lastDelivered - firstCreated) / 1000),
            dispatchLatency: LatencySummary(
                values: dispatched.map { UInt64(max(0, $0.dispatched! - $0.created)) }, scale: 1, unit: "ms"),
            deliveryLatency: LatencySummary(
                values: delivered.map { UInt64(max(0, $0.delivered! - $0.created)) }, scale: 1, unit: "ms"),
            perChannel: Self.perChannel(rows))
    }

    static func isFinal(_ status: String) -> Bool {
        ["delivered", "undelivered", "failed", "suppressed", "expired", "canceled"].contains(status)
    }

    static func perChannel(_ rows: [Row]) -> [DeliveryReport.ChannelFigures] {
        Dictionary(grouping: rows, by: \.channel).map { channel, rows in
            let dispatched = rows.filter { $0.dispatched != nil }
            let first = rows.map(\.created).min() ?? 0
            let last = dispatched.compactMap(\.dispatched).max() ?? first
            return DeliveryReport.ChannelFigures(
                channel: channel, accepted: rows.count, dispatched: dispatched.count,
                dispatchedPerSecond: Double(dispatched.count) / max(0.001, Double(last - first) / 1000),
                dispatchLatency: LatencySummary(
                    values: dispatched.map { UInt64(max(0, $0.dispatched! - $0.created)) }, scale: 1, unit: "ms"))
        }.sorted { $0.accepted > $1.accepted }
    }

    private func read(_ ids: [String]) async throws -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(ids.count, start + 2_000)]
            let replies = try await redis.pipeline(chunk.map { id in
                let keys = ChannelKeys(messageID: id) ?? ChannelKeys(.sms)
                return ["HMGET", keys.message(id), "status", "created_at", "sent_at", "delivered_at"]
            })
            for (id, reply) in zip(chunk, replies) {
                let fields = reply.array
                let channel = MessageID.channel(of: id) ?? .sms
                guard fields.count == 4 else {
                    rows.append(Row(channel: channel, status: "missing", created: 0))
                    continue
                }
                rows.append(Row(
                    channel: channel, status: fields[0].string ?? "missing", created: fields[1].string.flatMap(Int64.init) ?? 0,
                    sent: fields[2].string.flatMap(Int64.init), delivered: fields[3].string.flatMap(Int64.init)))
            }
            start += 2_000
        }
        return rows
    }
}
