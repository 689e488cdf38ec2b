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
    }
}
