import HeraldCore
import HeraldMetrics
import HeraldProviders
import Logging

/// The sending half of Herald: one `ChannelWorker` per channel that has a
/// provider. Any number of instances can run against one Redis; the consumer
/// group shares the work between them. Several providers of one channel form
/// a `ProviderChain`, in the order given: the first is preferred, the others
/// take over while it fails.
public struct Dispatcher: Sendable {
    let store: DispatchStore
    let chains: [Channel: ProviderChain]
    let configuration: DispatchConfiguration
    let metrics: HeraldMetrics
    let logger: Logger
    private let stopping = StopSignal()

    public init(
        store: DispatchStore, providers: [any ChannelProvider], configuration: DispatchConfiguration,
        metrics: HeraldMetrics, logger: Logger
    ) {
        var byChannel: [Channel: [any ChannelProvider]] = [:]
        for provider in providers { byChannel[provider.channel, default: []].append(provider) }
        self.store = store
        self.chains = byChannel.mapValues { ProviderChain($0, policy: configuration.breaker) }
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Asks every worker to stop taking work; `run` returns once what is in
    /// flight has been sent and recorded (or given back). Cancelling `run`
    /// instead cuts in-flight sends off: only for when the grace period is over.
    public func stop() {
        stopping.stop()
    }

    /// Runs until `stop` is called and in-flight work is done, or until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for (channel, chain) in chains {
                let worker = ChannelWorker(
                    channel: channel, providers: chain, store: store, configuration: configuration,
                    metrics: metrics, logger: logger, stopping: stopping)
                group.addTask { await worker.run() }
            }
        }
    }
}
