import HeraldCore

extension WebhookEffect {
    /// What an inbound message from `sender` does: an opt-out keyword
    /// suppresses them on `channel` for every category, an opt-in keyword lifts
    /// an unsubscribe, anything else is an ordinary reply.
    public static func inbound(body: String, from sender: String, channel: Channel) -> WebhookEffect {
        switch OptOutKeywords.intent(of: body) {
        case .optOut?:
            .suppress(recipient: sender, channel: channel, suppression: Suppression(scope: .all, reason: .unsubscribed),
                      outcome: "opt_out")
        case .optIn?:
            .liftUnsubscribe(recipient: sender, channel: channel, outcome: "opt_in")
        case nil:
            .ignored(outcome: "other")
        }
    }
}
