import ServiceLifecycle
import Synchronization

/// Holds the ServiceGroup running the test's HTTP servers, so `stop()` can
/// shut them down gracefully instead of cancelling them mid-connection.
public final class ServerGroupBox: Sendable {
    private let group = Mutex<ServiceGroup?>(nil)

    public func set(_ value: ServiceGroup) { group.withLock { $0 = value } }

    public func triggerGracefulShutdown() async {
        await group.withLock({ $0 })?.triggerGracefulShutdown()
    }
}
