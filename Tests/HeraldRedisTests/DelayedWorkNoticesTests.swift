import HeraldCore
import HeraldRedis
import Testing

@Suite("Delayed work notices")
struct DelayedWorkNoticesTests {
    @Test("a channel's notice keeps the earliest due time until a promote takes it")
    func earliestUntilTaken() {
        let notices = DelayedWorkNotices()
        #expect(notices.peek(.sms) == nil)
        notices.note(.sms, dueMillis: 5_000)
        notices.note(.sms, dueMillis: 9_000)
        notices.note(.sms, dueMillis: 3_000)
        notices.note(.email, dueMillis: 1_000)
        #expect(notices.peek(.sms) == 3_000)
        #expect(notices.peek(.email) == 1_000)
        notices.take(.sms)
        #expect(notices.peek(.sms) == nil)
        #expect(notices.peek(.email) == 1_000)
    }
}
