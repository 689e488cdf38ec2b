import HeraldCore

/// The Redis keys of status events (ARCHITECTURE.md, "Status events").
///
/// - Per channel partition (and `{cmp}` for campaigns) an outbox stream,
///   written by the transitions, trimmed at a cap.
/// - `herald:{evs}:subs`: subscription id → definition (JSON), and
///   `herald:{evs}:version`, a counter of their changes. Configuration, like
///   templates: neither expires.
/// - `herald:{evs}:callbacks`: callback target id → URL and when it was last
///   used, pruned once a target has been idle for `EventSettings.callbackIdleMillis`.
/// - Per target (`{evs:<id>}`): its queue stream and dead-letter stream
///   (both capped), its state hash, and its delivery lease (expires).
public enum EventKeys {
    public static let subscriptions = "herald:{evs}:subs"
    /// Counts changes to the subscriptions, so the fan-out rereads them at once after one.
    public static let subscriptionsVersion = "herald:{evs}:version"
    public static let callbacks = "herald:{evs}:callbacks"
    /// The consumer group of every outbox: the fan-out.
    public static let fanoutGroup = "fanout"

    /// The outbox of one channel partition.
    public static func outbox(_ keys: ChannelKeys) -> String { keys.prefix + "outbox" }
    /// The outbox of campaign events (`campaign.completed`).
    public static let campaignOutbox = "herald:{cmp}:outbox"

    public static func queue(_ target: String) -> String { "herald:{evs:" + target + "}:q" }
    public static func deadLetters(_ target: String) -> String { "herald:{evs:" + target + "}:dead" }
    public static func state(_ target: String) -> String { "herald:{evs:" + target + "}:state" }
    public static func lease(_ target: String) -> String { "herald:{evs:" + target + "}:lease" }
}
