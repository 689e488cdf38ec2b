import HeraldDispatch
import HeraldMetrics
import ServiceLifecycle

/// Runs the dispatcher under service-lifecycle: SIGTERM stops it taking new
/// work while in-flight sends finish and are recorded (the API shuts down
/// alongside). Only when the grace period is over does the service group
/// cancel it, cutting off what is still in flight.
struct DispatcherService: Service {
    let dispatcher: Dispatcher

    func run() async throws {
        await withGracefulShutdownHandler {
            await dispatcher.run()
        } onGracefulShutdown: {
            dispatcher.stop()
        }
        // A dispatcher with no channel to serve returns at once; a service that
        // ends early would stop the whole process, so it waits to be asked to stop.
        try? await gracefulShutdown()
    }
}
