import NIOCore
import NIOPosix

/// Sleeps on a timer of the NIO event loop the task runs on. `Task.sleep`
/// arms a libdispatch timer on a thread of its own and hops back; the
/// simulators sleep once or twice per message (receipt delays), and that hop
/// showed in their profile.
public enum LoopSleep {
    public static func sleep(for duration: Duration) async {
        guard duration > .zero else { return }
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        try? await loop.scheduleTask(in: .nanoseconds(nanoseconds)) {}.futureResult.get()
    }
}
