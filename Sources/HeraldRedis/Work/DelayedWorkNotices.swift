import HeraldCore
import Synchronization

/// When this process last put work on a channel's delayed sets (a retry, a
/// hold, a scheduled message), and for when: the promoter of an idle
/// channel sleeps until the earliest due time Redis told it of, and this
/// wakes it sooner for what was delayed since, without asking Redis.
/// Process-wide, because in `herald serve` the API that schedules and the
/// worker that promotes are separate parts of one process. Work delayed by
/// another process is found by the promoter's idle poll
/// (`DispatchConfiguration.promoteIdleMillis`).
public final class DelayedWorkNotices: Sendable {
    /// The one every store of this process notes into.
    public static let shared = DelayedWorkNotices()

    private let earliest = Mutex<[Channel: Int64]>([:])

    public init() {}

    /// Work on `channel` is due at `dueMillis`.
    public func note(_ channel: Channel, dueMillis: Int64) {
        earliest.withLock { notes in
            if let known = notes[channel], known <= dueMillis { return }
            notes[channel] = dueMillis
        }
    }

    /// The earliest due time noted on `channel` since the last `take`.
    public func peek(_ channel: Channel) -> Int64? {
        earliest.withLock { $0[channel] }
    }

    /// Forgets what was noted on `channel`: a promote is about to read the sets.
    public func take(_ channel: Channel) {
        _ = earliest.withLock { $0.removeValue(forKey: channel) }
    }
}
