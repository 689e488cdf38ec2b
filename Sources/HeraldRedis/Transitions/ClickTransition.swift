import HeraldCore

/// `click_link.lua` and `click_message.lua` as typed calls: one fetch of a
/// short link counted on the link (a preview apart from clicks), and a click
/// on its message (the first marks it clicked). Each script touches one slot,
/// so a click is two calls sent in the same pipelined request.
///
/// Both answer 1 when recorded and 0 when the link or message no longer
/// exists; no caller reads that (a click on something gone is dropped), so
/// they have no reply type.
public enum ClickTransition {
    /// The call counting `click` on its link.
    static func onLink(_ click: LinkStore.Click) -> (keys: [String], arguments: [String]) {
        ([LinkStore.key(click.code)],
         [String(click.atMillis), click.agent == .preview ? "preview" : "click", click.agent.rawValue])
    }

    /// The call recording `click` on its message; nil for a preview (it is
    /// no click) or a link of no message of ours.
    static func onMessage(_ click: LinkStore.Click) -> (keys: [String], arguments: [String])? {
        guard click.agent != .preview, let id = click.messageID, let keys = ChannelKeys(messageID: id) else { return nil }
        return ([keys.message(id)], [String(click.atMillis), click.code])
    }
}
