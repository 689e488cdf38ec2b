/// `eventually` ran out of time: what it was waiting for.
public struct ConditionTimeout: Error, CustomStringConvertible {
    public let what: String

    public init(what: String) {
        self.what = what
    }
    public var description: String { "timed out waiting until \(what)" }
}

/// Polls `condition` until it holds or the deadline passes (then fails the test).
public func eventually(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw ConditionTimeout(what: what)
}
