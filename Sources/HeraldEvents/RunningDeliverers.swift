import HeraldCore
import Synchronization

/// The delivery loops this instance runs, by target id: shared by the
/// supervisor that starts and stops them and the fan-out that nudges them.
final class RunningDeliverers: Sendable {
    private let running = Mutex<[String: (deliverer: EventDeliverer, task: Task<Void, Never>)]>([:])

    /// Wakes the loops of `targets` (events were just queued for them).
    func nudge(_ targets: Set<String>) {
        running.withLock { running in
            for target in targets { running[target]?.deliverer.nudge() }
        }
    }

    /// Stops loops whose target is gone or changed, and starts one for every new target.
    func reconcile(_ targets: [String: EventTarget], make: (EventTarget) -> EventDeliverer) {
        running.withLock { running in
            for (id, entry) in running where targets[id] != entry.deliverer.target {
                entry.deliverer.stop()
                running[id] = nil
            }
            for (id, target) in targets where running[id] == nil {
                let deliverer = make(target)
                running[id] = (deliverer, Task { await deliverer.run() })
            }
        }
    }

    /// Stops every loop and waits for the batches in flight.
    func stopAll() async {
        let all = running.withLock { running in
            defer { running = [:] }
            return Array(running.values)
        }
        for entry in all { entry.deliverer.stop() }
        for entry in all { await entry.task.value }
    }
}
