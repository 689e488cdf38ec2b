import HeraldRedis
import Testing

@Suite("A message's stored history")
struct StoredEventTests {
    @Test("compact lines read with their detail unescaped; JSON lines of an earlier Herald read the same")
    func bothForms() throws {
        let stored = [
            #"{"at":1796668788572,"type":"queued","detail":""}"#,
            "1796668788579 sending attempt 1",
            "1796668788594 failed line one\\nline two \\\\ done",
            #"{"at":1796668788600,"type":"receipt:delivered","detail":"error 30003"}"#,
            "1796668788700 receipt:clicked",
        ].joined(separator: "\n") + "\n"
        let message = StoredMessage(id: "sms_x", fields: ["events": stored])
        let events = message.events
        #expect(events.map(\.type) == ["queued", "sending", "failed", "receipt:delivered", "receipt:clicked"])
        #expect(events.map(\.at) == [1796668788572, 1796668788579, 1796668788594, 1796668788600, 1796668788700])
        #expect(events.map(\.detail) == ["", "attempt 1", "line one\nline two \\ done", "error 30003", ""])
    }

    @Test("the sent event gets back the provider and its id, which sent.lua keeps only as fields")
    func sentDetailRebuilt() {
        let message = StoredMessage(id: "sms_x", fields: [
            "events": "1 queued\n2 sending attempt 1\n3 sent ; fatigue admitted (1/day)\n4 receipt:delivered\n",
            "provider": "twilio", "provider_message_id": "SM0123",
        ])
        #expect(message.events.map(\.detail) == ["", "attempt 1", "accepted by twilio as SM0123; fatigue admitted (1/day)", ""])
        let legacy = StoredMessage(id: "sms_y", fields: [
            "events": #"{"at":3,"type":"sent","detail":"accepted by aliyun as 42"}"# + "\n", "provider": "twilio",
        ])
        #expect(legacy.events.map(\.detail) == ["accepted by aliyun as 42"], "a JSON line keeps the detail it was written with")
    }

    @Test("lines that are neither form are skipped")
    func unreadable() {
        let message = StoredMessage(id: "sms_x", fields: ["events": "garbage\n{\"at\":\"x\"}\n12 \n7 queued\n"])
        #expect(message.events.map(\.type) == ["queued"])
    }
}
