import HeraldEvents
import ServiceLifecycle

/// Runs the status events' fan-out and deliveries under service-lifecycle:
/// SIGTERM stops them taking new batches; a batch in flight finishes, and
/// anything not yet acknowledged is delivered again by whoever runs next.
struct StatusEventsService: Service {
    let events: StatusEvents

    func run() async throws {
        // Cancelled (another service failed, as a port already taken), it stops
        // as on SIGTERM: its loops look at a flag, not at task cancellation.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await events.run()
            } onGracefulShutdown: {
                events.stop()
            }
        } onCancel: {
            events.stop()
        }
    }
}
