import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Results gathered by one connection; merged when the run ends.
struct ConnectionResult: Sendable {
    var ids: [String] = []
    var latenciesMicros: [UInt64] = []
    var errors = 0
    var statusCounts: [Int: Int] = [:]
    /// Messages sent again because Herald said they were not stored (503, 507, or a batch item marked retryable).
    var resent = 0
    /// Messages Herald could not say were stored or not (504, `outcome_unknown`): never resent blindly.
    var unknown = 0
}

/// Hands out request indexes and their scheduled send times to all connections.
final class RequestDispenser: Sendable {
    let total: Int
    let rate: Double
    let start: ContinuousClock.Instant
    let requestsPerMessage: Double
    private let next = Atomic<Int>(0)

    init(total: Int, rate: Double, messagesPerRequest: Int) {
        self.total = total
        self.rate = rate
        self.start = .now
        self.requestsPerMessage = 1 / Double(max(1, messagesPerRequest))
    }

    /// The next request index, or nil when all are handed out.
    func take() -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < total ? index : nil
    }

    /// When request `index` is due; with rate 0 it is due now.
    func due(_ index: Int) -> ContinuousClock.Instant {
        guard rate > 0 else { return .now }
        return start.advanced(by: .seconds(Double(index) / (rate * requestsPerMessage)))
    }
}

/// A keep-alive HTTP/1.1 connection that sends one request at a time and parses
/// just enough of each response (status, Content-Length, ids). Latency is
/// measured from when a request was due, so a slow server cannot hide its
/// queueing (no coordinated omission). It resends exactly what Herald's reply
/// says was not stored — a whole request answered 503 or 507, or the batch
/// items marked `retryable` — as a careful client does, with no idempotency
/// keys: so a run with faults shows whether that ever sends a message twice.
final class LoadConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let plan: LoadPlan
    let dispenser: RequestDispenser
    let done: EventLoopPromise<ConnectionResult>
    private var result = ConnectionResult()
    private var buffer = ByteBuffer()
    private var sentAt = ContinuousClock.now
    private var context: ChannelHandlerContext?
    /// The run's message indexes the request in flight carries.
    private var current: [Int] = []
    /// Messages to send again, oldest first.
    private var resend: [[Int]] = []
    /// Resends left to this connection: a Herald that never recovers ends the run.
    private var resendBudget = 10_000

    init(plan: LoadPlan, dispenser: RequestDispenser, done: EventLoopPromise<ConnectionResult>) {
        self.plan = plan
        self.dispenser = dispenser
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        sendNext()
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.succeed(result)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        result.errors += 1
        context.close(promise: nil)
    }

    private func sendNext() {
        guard let context else { return }
        if !resend.isEmpty, resendBudget > 0 {
            resendBudget -= 1
            let messages = resend.removeFirst()
            result.resent += messages.count
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(200)) {
                self.sentAt = .now
                self.current = messages
                context.writeAndFlush(NIOAny(ByteBuffer(string: self.plan.httpRequest(messages: messages))), promise: nil)
            }
            return
        }
        guard let index = dispenser.take() else {
            context.close(promise: nil)
            return
        }
        let due = dispenser.due(index)
        let delay = due - .now
        if delay > .zero {
            let nanos = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanos)) { self.write(index, due: due) }
        } else {
            write(index, due: due)
        }
    }

    private func write(_ index: Int, due: ContinuousClock.Instant) {
        guard let context else { return }
        sentAt = due
        current = Array(plan.messages(inRequest: index))
        context.writeAndFlush(NIOAny(ByteBuffer(string: plan.httpRequest(index))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let response = parseResponse() {
            let elapsed = ContinuousClock.now - sentAt
            result.latenciesMicros.append(
                UInt64(max(0, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)))
            result.statusCounts[response.status, default: 0] += 1
            switch response.status {
            case 200, 202:
                if plan.mode == .batch, Self.find(Array(#""error""#.utf8), in: ByteBuffer(bytes: response.body).readableBytesView) != nil {
                    sortBatchItems(response.body)
                } else {
                    result.ids.append(contentsOf: Self.ids(in: response.body))
                }
            case 503, 507:
                result.errors += 1
                resend.append(current)
            case 504:
                result.errors += 1
                result.unknown += current.count
            default:
                result.errors += 1
            }
            sendNext()
        }
    }

    /// Parses one complete response off the front of the buffer.
    private func parseResponse() -> (status: Int, body: [UInt8])? {
        let view = buffer.readableBytesView
        guard let headerEnd = Self.find(Array("\r\n\r\n".utf8), in: view) else { return nil }
        let head = String(decoding: view[view.startIndex..<headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12,
              let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
        }
        let bodyStart = headerEnd + 4
        guard view.endIndex - bodyStart >= length else { return nil }
        let body = Array(view[bodyStart..<(bodyStart + length)])
        buffer.moveReaderIndex(forwardBy: bodyStart - view.startIndex + length)
        buffer.discardReadBytes()
        return (status, body)
    }

    private static func find(_ needle: [UInt8], in haystack: ByteBufferView) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// A batch reply with errors in it: stored items' ids are kept, items
    /// marked retryable are queued to send again, unknown outcomes counted.
    private func sortBatchItems(_ body: [UInt8]) {
        guard let reply = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let items = reply["results"] as? [[String: Any]]
        else {
            result.errors += 1
            return
        }
        var again: [Int] = []
        for item in items {
            guard let index = item["index"] as? Int, index < current.count else { continue }
            if let error = item["error"] as? [String: Any] {
                if error["retryable"] as? Bool == true {
                    again.append(current[index])
                } else if error["code"] as? String == "outcome_unknown" {
                    result.unknown += 1
                }
            } else if let id = item["id"] as? String {
                result.ids.append(id)
            }
        }
        if !again.isEmpty { resend.append(again) }
    }

    /// Every `"id":"…"` value in a reply body.
    static func ids(in body: [UInt8]) -> [String] {
        let marker = Array(#""id":""#.utf8)
        var ids: [String] = []
        var index = 0
        while index + marker.count < body.count {
            if body[index] == marker[0], Array(body[index..<(index + marker.count)]) == marker {
                let start = index + marker.count
                var end = start
                while end < body.count, body[end] != UInt8(ascii: "\"") { end += 1 }
                ids.append(String(decoding: body[start..<end], as: UTF8.self))
                index = end
            } else {
                index += 1
            }
        }
        return ids
    }
}
