/// Runs `body` with a fresh harness and always tears it down.
@discardableResult
public func withHarness<T>(_ options: HarnessOptions = HarnessOptions(), _ body: (Harness) async throws -> T) async throws -> T {
    let harness = try await Harness.start(options)
    let result: T
    do {
        result = try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
    return result
}
