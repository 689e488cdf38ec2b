import Synchronization

/// Shutdown work collected while providers are built, run once at exit.
public final class ShutdownHooks: Sendable {
    private let hooks = Mutex<[@Sendable () async -> Void]>([])

    public init() {}

    public func add(_ hook: @escaping @Sendable () async -> Void) {
        hooks.withLock { $0.append(hook) }
    }

    /// Runs every hook, most recent first.
    public func run() async {
        for hook in hooks.withLock({ $0 }).reversed() { await hook() }
    }
}
