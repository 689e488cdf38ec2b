import Foundation
import HeraldCore
import Synchronization

/// The current time as Twilio prints it (`Sun, 22 Nov 2026 23:21:42 +0000`),
/// formatted once per second rather than once per reply: formatting dates was
/// 6% of the simulator's CPU under load.
public final class RFC2822Clock: Sendable {
    public init() {}

    private let cache = Mutex<(second: Int, text: String)>((-1, ""))

    public var now: String {
        let date = Date()
        let second = Int(date.timeIntervalSince1970)
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = RFC2822Date.string(from: date)
        cache.withLock { $0 = (second, text) }
        return text
    }
}
