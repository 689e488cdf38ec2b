/// The Redis a test runs on: one redis-server with a single partition per
/// channel, or a local 3-master Redis Cluster with 16 partitions per channel.
/// Tests of the Redis model take both, so every transition is exercised where
/// each Lua script must stay inside one slot.
public enum RedisLayout: String, CaseIterable, Sendable, CustomStringConvertible {
    case single
    case cluster

    public var description: String {
        switch self {
        case .single: "one redis-server"
        case .cluster: "3-master cluster, 16 partitions"
        }
    }
}

extension HarnessOptions {
    /// These options on `layout`.
    public func on(_ layout: RedisLayout) -> HarnessOptions {
        var options = self
        options.cluster = layout == .cluster
        options.partitions = layout == .cluster ? 16 : 1
        return options
    }
}

/// Runs `body` with a fresh harness on `layout` and always tears it down.
@discardableResult
public func withHarness<T>(_ options: HarnessOptions = HarnessOptions(), on layout: RedisLayout, _ body: (Harness) async throws -> T)
    async throws -> T
{
    try await withHarness(options.on(layout), body)
}
