import Synchronization

/// What this process has asked of Redis: round trips (a batch written and its
/// replies read), requests (a caller's command or pipeline, each one
/// continuation and wakeup) and commands. Benchmarks read it from `/metrics`
/// to report round trips per message.
public enum RedisTraffic {
    static let roundTrips = Atomic<Int>(0)
    static let requests = Atomic<Int>(0)
    static let commands = Atomic<Int>(0)

    static func record(requests: Int, commands: Int) {
        roundTrips.add(1, ordering: .relaxed)
        self.requests.add(requests, ordering: .relaxed)
        self.commands.add(commands, ordering: .relaxed)
    }

    /// Totals since the process started.
    public static var totals: (roundTrips: Int, requests: Int, commands: Int) {
        (roundTrips.load(ordering: .relaxed), requests.load(ordering: .relaxed), commands.load(ordering: .relaxed))
    }
}
