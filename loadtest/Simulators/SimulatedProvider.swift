import Hummingbird

/// One provider's simulated API, mounted on the shared simulator router.
/// Each speaks its provider's wire format and counts what it received.
public protocol SimulatedProvider: Sendable {
    /// The key of this simulator in `GET /sim/stats`.
    var name: String { get }
    var ledger: SimulatorLedger { get }
    func register(on router: Router<BasicRequestContext>)
}
