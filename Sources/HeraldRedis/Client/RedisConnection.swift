import Dispatch
import Foundation
import Synchronization

/// One Redis connection served by its own OS thread.
///
/// hiredis blocks, so it must never run on an event loop or on Swift's
/// cooperative pool (two threads on a two-core machine). Callers `await`;
/// their commands are queued, and the thread writes everything queued since its
/// last turn in one go before reading the replies: concurrent callers are
/// pipelined automatically, which is where the throughput comes from.
///
/// A broken connection fails the commands in flight with `.connectionLost` and
/// is re-established on the next command.
public final class RedisConnection: Sendable {
    private struct Request: Sendable {
        let commands: [[String]]
        let continuation: CheckedContinuation<[RedisValue], any Error>
        let readTimeoutMillis: Int?
    }

    private struct Queue: Sendable {
        var pending: [Request] = []
        var closed = false
    }

    private let endpoint: RedisEndpoint
    private let timeoutMillis: Int
    private let queue = Mutex(Queue())
    private let wakeup = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - timeoutMillis: connect and per-reply timeout; a reply slower than this
    ///     is treated as a lost connection.
    public init(endpoint: RedisEndpoint, timeoutMillis: Int = 5_000, name: String = "redis") {
        self.endpoint = endpoint
        self.timeoutMillis = timeoutMillis
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Sends one command and returns its reply (error replies are returned, not thrown).
    public func send(_ command: [String]) async throws -> RedisValue {
        try await pipeline([command])[0]
    }

    /// Sends commands back to back and returns their replies in order.
    ///
    /// - Parameter readTimeoutMillis: a longer socket timeout for this request,
    ///   for blocking commands such as `XREADGROUP … BLOCK`.
    public func pipeline(_ commands: [[String]], readTimeoutMillis: Int? = nil) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.withLock { queue -> Bool in
                guard !queue.closed else { return false }
                queue.pending.append(
                    Request(commands: commands, continuation: continuation, readTimeoutMillis: readTimeoutMillis))
                return true
            }
            if accepted {
                wakeup.signal()
            } else {
                continuation.resume(throwing: RedisError.closed)
            }
        }
    }

    /// Stops accepting commands; the thread finishes what it already took
    /// (replies still arrive), fails the rest with `.closed`, and exits.
    /// Does not wait, so it is safe to call from async code.
    public func close() {
        let wasOpen = queue.withLock { queue -> Bool in
            defer { queue.closed = true }
            return !queue.closed
        }
        if wasOpen { wakeup.signal() }
    }

    private func run() {
        var link: HiredisLink?
        while true {
            wakeup.wait()
            let (batch, closed) = queue.withLock { queue in
                let batch = queue.pending
                queue.pending.removeAll(keepingCapacity: true)
                return (batch, queue.closed)
            }
            if batch.isEmpty {
                if closed { break }
                continue
            }
            if link == nil {
                do {
                    link = try HiredisLink(endpoint: endpoint, timeoutMillis: timeoutMillis)
                } catch {
                    for request in batch { request.continuation.resume(throwing: error) }
                    continue
                }
            }
            if !execute(batch, on: link!) { link = nil }
        }
        for request in queue.withLock({ $0.pending }) { request.continuation.resume(throwing: RedisError.closed) }
    }

    /// Writes and reads one batch; returns false when the link broke. After a
    /// failure every later request of the batch fails too: its replies can no
    /// longer be matched to it.
    private func execute(_ batch: [Request], on link: HiredisLink) -> Bool {
        var failure: RedisError?
        RedisTraffic.record(requests: batch.count, commands: batch.reduce(0) { $0 + $1.commands.count })
        do {
            for request in batch {
                for command in request.commands { try link.append(command) }
            }
        } catch {
            failure = error
        }
        for request in batch {
            if let failure {
                request.continuation.resume(throwing: failure)
                continue
            }
            do {
                if let readTimeout = request.readTimeoutMillis { link.setTimeout(millis: readTimeout) }
                var replies: [RedisValue] = []
                replies.reserveCapacity(request.commands.count)
                for _ in request.commands { replies.append(try link.readReply()) }
                if request.readTimeoutMillis != nil { link.setTimeout(millis: timeoutMillis) }
                request.continuation.resume(returning: replies)
            } catch {
                failure = error
                request.continuation.resume(throwing: error)
            }
        }
        return failure == nil
    }
}
