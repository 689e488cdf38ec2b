import Synchronization

/// Asks a dispatcher to stop taking work while what it has in flight
/// finishes: cancelling its task instead would cut sends off mid-request,
/// after the provider may have taken them, and they would be sent again.
/// Sleeps that wait on a rate-limit slot wake early when it is set.
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    public init() {}

    /// Set once, on a graceful shutdown.
    public var isStopping: Bool { stopped.load(ordering: .acquiring) }

    public func stop() { stopped.store(true, ordering: .releasing) }

    /// Sleeps until `deadline`, or until the signal is set or the task is
    /// cancelled, checking every `step`.
    public func sleep(until deadline: ContinuousClock.Instant, step: Duration = .milliseconds(100)) async {
        let clock = ContinuousClock()
        while !isStopping, !Task.isCancelled, clock.now < deadline {
            try? await Task.sleep(until: min(deadline, clock.now.advanced(by: step)))
        }
    }
}
