/// The answer of a provider's rate limit to one message.
public enum TokenReservation: Sendable, Equatable {
    /// A token is this message's: send once `millis` have passed (0: now).
    case sendAfter(millis: Int64)
    /// None within the horizon: put the message back for at least `millis`.
    case deferFor(millis: Int64)
}
