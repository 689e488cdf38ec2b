import HeraldProviders

/// A provider registration that also brings its simulator: what the sandbox,
/// `herald-bench simulate` and the test harness serve in the provider's place,
/// speaking its wire format and checking its credentials (the sandbox secrets
/// its registration drew).
public protocol SimulatedRegistration: ProviderRegistration {
    /// The provider's simulator, accepting `context.secrets`.
    static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider
}
