import Hummingbird

/// One provider's simulated API, mounted on the shared simulator router.
/// Each speaks its provider's wire format and counts what it received.
public protocol SimulatedProvider: Sendable {
    /// The key of this simulator in `GET /sim/stats`.
    var name: String { get }
    var ledger: SimulatorLedger { get }
    /// Which listener it is mounted on: the plain HTTP one, or HTTP/2 over TLS.
    var listener: SimulatorListener { get }
    func register(on router: Router<BasicRequestContext>)
}

extension SimulatedProvider {
    public var listener: SimulatorListener { .http }
}
