import Synchronization

/// The error a background task ended with, readable from the test.
public final class ErrorBox: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    public var value: (any Error)? { error.withLock { $0 } }

    public func set(_ value: any Error) { error.withLock { $0 = value } }
}
