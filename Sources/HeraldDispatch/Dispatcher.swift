import HeraldCore
import HeraldProviders
import Logging

/// The sending half of Herald: one `ChannelWorker` per channel that has a
/// provider. Any number of instances can run against one Redis; the consumer
/// group shares the work between them.
public struct Dispatcher: Sendable {
    let store: DispatchStore
    let providers: [Channel: any ChannelProvider]
    let configuration: DispatchConfiguration
    let metrics: HeraldMetrics
    let logger: Logger

    public init(
        store: DispatchStore, providers: [any ChannelProvider], configuration: DispatchConfiguration,
        metrics: HeraldMetrics, logger: Logger
    ) {
        var byChannel: [Channel: any ChannelProvider] = [:]
        for provider in providers where byChannel[provider.channel] == nil { byChannel[provider.channel] = provider }
        self.store = store
        self.providers = byChannel
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for (channel, provider) in providers {
                let worker = ChannelWorker(
                    channel: channel, provider: provider, store: store, configuration: configuration,
                    metrics: metrics, logger: logger)
                group.addTask { await worker.run() }
            }
        }
    }
}
