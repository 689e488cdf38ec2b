/// A harness call that did not get what a test relies on (an enqueue not
/// answered 202, a message missing from Redis): the test fails with it.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
