import HeraldProviders

/// A message whose status is now `sending`, with the entry to acknowledge when done.
public struct ClaimedMessage: Sendable, Equatable {
    public var entry: StreamEntry
    public var message: OutboundMessage
}
