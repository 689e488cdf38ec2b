import Synchronization

/// What a simulator received, so tests and load runs can check that every
/// message arrived exactly once.
public final class SimulatorLedger: Sendable {
    private struct State {
        var requests = 0
        var accepted = 0
        var perRecipient: [String: Int] = [:]
        var acceptedPerRecipient: [String: Int] = [:]
        var callbacksSent = 0
        var callbacksFailed = 0
        var lastPayload: [String: String] = [:]
        var acceptedAt: [ContinuousClock.Instant] = []
    }

    private let state = Mutex(State())
    /// Whether request bodies are kept (tests); load runs keep only counts.
    let keepsPayloads: Bool

    public init(keepsPayloads: Bool = false) {
        self.keepsPayloads = keepsPayloads
    }

    /// Records a request and returns how many requests this recipient has now made (1-based).
    public func request(to recipient: String) -> Int {
        state.withLock { state in
            state.requests += 1
            state.perRecipient[recipient, default: 0] += 1
            return state.perRecipient[recipient]!
        }
    }

    public func recordAccepted(to recipient: String) {
        let now = ContinuousClock.now
        state.withLock {
            if keepsPayloads { $0.acceptedAt.append(now) }
            $0.accepted += 1
            $0.acceptedPerRecipient[recipient, default: 0] += 1
        }
    }

    /// Keeps the last accepted request body per recipient, for tests that check the wire format.
    public func keep(_ payload: String, for recipient: String) {
        guard keepsPayloads else { return }
        state.withLock { $0.lastPayload[recipient] = payload }
    }

    /// The last accepted request body for a recipient.
    public func lastPayload(to recipient: String) -> String? { state.withLock { $0.lastPayload[recipient] } }

    public func callback(succeeded: Bool) {
        state.withLock { succeeded ? ($0.callbacksSent += 1) : ($0.callbacksFailed += 1) }
    }

    public var requests: Int { state.withLock { $0.requests } }
    public var accepted: Int { state.withLock { $0.accepted } }
    /// When each accepted request arrived, in order (kept only with `keepsPayloads`):
    /// what a provider's rate limit is about.
    public var acceptedAt: [ContinuousClock.Instant] { state.withLock { $0.acceptedAt } }
    public var callbacksSent: Int { state.withLock { $0.callbacksSent } }
    public var callbacksFailed: Int { state.withLock { $0.callbacksFailed } }
    /// Requests that reached the simulator for this recipient, accepted or not.
    public func requests(to recipient: String) -> Int { state.withLock { $0.perRecipient[recipient] ?? 0 } }
    /// Messages the simulator accepted for this recipient.
    public func accepted(to recipient: String) -> Int { state.withLock { $0.acceptedPerRecipient[recipient] ?? 0 } }
    /// Recipients that were accepted more than once: duplicate sends.
    public var duplicates: Int { state.withLock { $0.acceptedPerRecipient.values.filter { $0 > 1 }.count } }

    /// A JSON summary for `GET /sim/stats`.
    public var json: String {
        state.withLock {
            #"{"requests":\#($0.requests),"accepted":\#($0.accepted),"callbacks_sent":\#($0.callbacksSent),"callbacks_failed":\#($0.callbacksFailed),"duplicate_recipients":\#($0.acceptedPerRecipient.values.filter { $0 > 1 }.count)}"#
        }
    }
}
