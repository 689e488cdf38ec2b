import HeraldDispatch
import ServiceLifecycle

/// Runs the dispatcher under service-lifecycle so SIGTERM stops it reading
/// new work while the API shuts down alongside.
struct DispatcherService: Service {
    let dispatcher: Dispatcher

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await dispatcher.run()
        }
        // A dispatcher with no channel to serve returns at once; a service that
        // ends early would stop the whole process, so it waits to be asked to stop.
        try? await gracefulShutdown()
    }
}
