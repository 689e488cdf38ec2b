import HeraldTesting
import Testing

/// Parameterised tests name their layout as the harness describes it.
extension RedisLayout: CustomTestStringConvertible {
    public var testDescription: String { description }
}
