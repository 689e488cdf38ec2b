import HeraldCore
import HeraldMetrics
import Logging

/// What every step of one channel's delivery pipeline shares: the channel,
/// the store, the settings, where to count and log, and the stop signal.
struct DeliveryContext: Sendable {
    let channel: Channel
    let store: DispatchStore
    let configuration: DispatchConfiguration
    let metrics: HeraldMetrics
    let logger: Logger
    let stopping: StopSignal

    /// Writing an outcome must survive a Redis restart: if it is lost the
    /// entry is reclaimed after the visibility timeout and sent again, so keep
    /// trying, with backoff up to 5 s, for 30 s (a Redis restart with its AOF
    /// takes a few seconds).
    func record(_ claimed: ClaimedMessage, _ write: () async throws -> Void) async {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await write()
                return
            } catch {
                metrics.redisErrors(.record)
                logger.warning("cannot record send outcome", metadata: [
                    "id": "\(claimed.message.id)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                let pause = Duration.milliseconds(min(5_000, 100 << min(attempt, 6)))
                guard ContinuousClock.now.advanced(by: pause) < deadline, !Task.isCancelled else { return }
                try? await Task.sleep(for: pause)
            }
        }
    }
}
