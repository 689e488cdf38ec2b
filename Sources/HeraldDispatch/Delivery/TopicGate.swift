import HeraldCore
import HeraldProviders
import HeraldRedis

/// Holds back a message of a topic its recipient declined (a WeChat subscribe
/// template after 43101): it ends `suppressed` as `not_subscribed` without a
/// provider call, while the recipient's other topics still go. Only providers
/// that name a topic cost this step a Redis read.
struct TopicGate: Sendable {
    let context: DeliveryContext

    /// Whether the message was held (and its end recorded).
    func holds(_ claimed: ClaimedMessage, provider: any ChannelProvider) async -> Bool {
        guard let topic = provider.topic(of: claimed.message) else { return false }
        let key = Suppression.topicRecipient(claimed.message.to, topic: topic)
        do {
            guard let suppression = try await context.store.suppression(of: key, for: claimed),
                  suppression.blocks(claimed.message.category)
            else { return false }
            context.metrics.policy(context.channel, decision: .suppressed)
            try await context.store.hold(claimed, .suppress(reason: suppression.reason.rawValue), event: "suppressed",
                                         detail: suppression.reason.rawValue + " (" + topic + ")", nowMillis: WallClock.nowMillis())
        } catch {
            // The entry stays pending under this consumer and is tried again.
            context.metrics.redisErrors(.reveal)
            context.logger.warning("topic suppression check failed", metadata: ["id": "\(claimed.message.id)", "error": "\(error)"])
        }
        return true
    }
}
