import HeraldHTTP
import ServiceLifecycle

/// Runs the campaign releaser beside the API under service-lifecycle: on
/// SIGTERM it finishes the release in progress (its lease acknowledged) and stops.
struct CampaignReleaserService: Service {
    let releaser: CampaignReleaser

    func run() async throws {
        await withGracefulShutdownHandler {
            await releaser.run()
        } onGracefulShutdown: {
            releaser.stop()
        }
        // A service that ends early would stop the whole process: wait to be asked to stop.
        try? await gracefulShutdown()
    }
}
