/// One hot-path step of a message, run on its own many times so that its
/// allocations, reference counting and instructions per message can be read
/// (and held to a budget) apart from the network, Redis and the scheduler.
struct Stage: Sendable {
    /// What a budget and the command line call it.
    let name: String
    /// What one run of it does, for the report.
    let summary: String
    /// One run. Async only for what is async in Herald (a route's responder).
    let body: Body

    enum Body: Sendable {
        case sync(@Sendable () -> Void)
        case async(@Sendable () async -> Void)
    }

    func run(_ iterations: Int) async {
        switch body {
        case .sync(let once): for _ in 0..<iterations { once() }
        case .async(let once): for _ in 0..<iterations { await once() }
        }
    }
}
