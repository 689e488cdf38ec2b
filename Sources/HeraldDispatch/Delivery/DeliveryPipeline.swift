import HeraldCore
import HeraldRedis
import HeraldProviders

/// One claimed message from claim to record: campaign → reveal → quiet hours → choose a
/// provider → rate limit → declined topic → fatigue → send → record. Each step is its own
/// type; a step that ends the message (held, failed, suppressed) ends the
/// pipeline, having recorded why.
struct DeliveryPipeline: Sendable {
    let context: DeliveryContext
    let providers: ProviderChain

    func deliver(_ claimed: ClaimedMessage) async {
        if await CampaignGate(context: context).holds(claimed) { return }
        guard let claimed = await RecipientReveal(context: context).reveal(claimed) else { return }
        if await QuietHoursGate(context: context).holds(claimed) { return }
        let started = ContinuousClock.now
        let selected = providers.select(for: claimed.message.to)
        let provider = selected?.provider ?? providers.providers[0]
        if selected != nil, await RateLimitGate(context: context).throttled(claimed, provider: provider.name) { return }
        if let selected, await TopicGate(context: context).holds(claimed, provider: selected.provider) { return }
        let fatigueGate = FatigueGate(context: context)
        let fatigue: FatigueGate.Holding?
        switch await fatigueGate.admit(claimed) {
        case .held: return
        case .admitted(let holding): fatigue = holding
        }
        let outcome = if let selected {
            await selected.provider.send(claimed.message)
        } else {
            SendOutcome.permanent(code: "no_provider", message: "no configured provider can reach this recipient")
        }
        context.metrics.sendDuration(provider: provider.name, ContinuousClock.now - started)
        if let selected, let transition = providers.record(outcome, provider: selected.index) { report(transition) }
        let recorder = OutcomeRecorder(context: context)
        // A message that will never reach the person gives its fatigue tokens
        // back before its final status is written: whoever sees `failed` can
        // already use the token again.
        if recorder.isFinal(outcome, claimed), let fatigue { await fatigueGate.giveBack(fatigue, claimed) }
        await recorder.record(outcome, of: claimed, provider: provider.name,
                              indexProviderID: !provider.receiptsNameMessage, fatigue: fatigue)
    }

    private func report(_ transition: ProviderChain.Transition) {
        let (channel, metrics, logger) = (context.channel, context.metrics, context.logger)
        switch transition {
        case .opened(let name):
            metrics.breaker(channel, provider: name, state: .open)
            logger.warning("provider failing: circuit opened, traffic moves to the next provider", metadata: [
                "channel": "\(channel)", "provider": "\(name)",
                "cooldown_ms": "\(context.configuration.breaker.cooldownMillis)",
            ])
        case .closed(let name):
            metrics.breaker(channel, provider: name, state: .closed)
            logger.notice("provider recovered: circuit closed", metadata: ["channel": "\(channel)", "provider": "\(name)"])
        }
    }
}
