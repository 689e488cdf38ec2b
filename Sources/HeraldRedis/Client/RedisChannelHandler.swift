import CHiredis
import NIOCore

/// One request on the wire: its commands, already encoded, and the promise
/// that gets their replies in order.
struct RedisRequest {
    let commands: [[String]]
    let promise: EventLoopPromise<[RedisValue]>
    let timeoutMillis: Int
}

/// The NIO side of a Redis connection, on its event loop: encodes requests as
/// RESP, feeds every byte read to hiredis's `redisReader`, and hands each
/// reply to the request it answers (replies come in request order). Writes of
/// one event-loop tick go out in one flush: concurrent callers are pipelined
/// without any thread of their own. A request unanswered past its timeout
/// fails the connection (its later replies could no longer be matched).
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let promise: EventLoopPromise<[RedisValue]>
        var remaining: Int
        var replies: [RedisValue]
        let deadline: NIODeadline
        let timeoutMillis: Int
    }

    private var reader: UnsafeMutablePointer<redisReader>?
    private var pending = CircularBuffer<Pending>()
    private var flushScheduled = false
    private var writesSinceFlush = 0
    private var commandsSinceFlush = 0
    private var timer: Scheduled<Void>?

    func handlerAdded(context: ChannelHandlerContext) {
        reader = redisReaderCreate()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(RedisError.connectionLost("connection closed"))
        if let reader { redisReaderFree(reader) }
        reader = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: 64 * request.commands.count)
        for command in request.commands { RESP.encode(command, into: &buffer) }
        let wasIdle = pending.isEmpty
        pending.append(Pending(
            promise: request.promise, remaining: request.commands.count, replies: [],
            deadline: .now() + .milliseconds(Int64(request.timeoutMillis)), timeoutMillis: request.timeoutMillis))
        writesSinceFlush += 1
        commandsSinceFlush += request.commands.count
        context.write(wrapOutboundOut(buffer), promise: promise)
        if wasIdle { armTimer(context: context) }
        scheduleFlush(context: context)
    }

    /// Flushes once at the end of this event-loop tick, after every write queued in it.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = bound.value
            handler.flushScheduled = false
            RedisTraffic.record(requests: handler.writesSinceFlush, commands: handler.commandsSinceFlush)
            handler.writesSinceFlush = 0
            handler.commandsSinceFlush = 0
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let reader else { return }
        // A reply nobody asked for means the stream is out of step: as bad as bytes that are not RESP.
        var unasked = false
        let readable = RESP.read(unwrapInboundIn(data), with: reader) { value in
            guard !pending.isEmpty else {
                unasked = true
                return false
            }
            pending[pending.startIndex].replies.append(value)
            pending[pending.startIndex].remaining -= 1
            if pending[pending.startIndex].remaining == 0 {
                let done = pending.removeFirst()
                done.promise.succeed(done.replies)
                if !pending.isEmpty { armTimer(context: context) }
            }
            return true
        }
        if !readable || unasked { protocolError(context: context) }
    }

    private func protocolError(context: ChannelHandlerContext) {
        failAll(RedisError.connectionLost("unreadable reply from Redis"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.connectionLost("Redis closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RedisError.connectionLost("\(error)"))
        context.close(promise: nil)
    }

    /// Watches the oldest request: past its deadline the connection is given up.
    private func armTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        guard let head = pending.first else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: head.deadline) {
            let (handler, context) = bound.value
            guard let oldest = handler.pending.first else { return }
            guard oldest.deadline <= .now() else { return handler.armTimer(context: context) }
            handler.failAll(RedisError.connectionLost("no reply within \(oldest.timeoutMillis) ms"))
            context.close(promise: nil)
        }
    }

    private func failAll(_ error: RedisError) {
        timer?.cancel()
        timer = nil
        while let next = pending.popFirst() { next.promise.fail(error) }
    }
}
