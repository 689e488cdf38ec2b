import Foundation
import HeraldCore
import HeraldEvents
import HeraldProviders
import HeraldRedis
import HeraldTesting
import Testing

/// Status events pushed to callers (README "Status events"): subscriptions,
/// a message's own callback_url, signed batches, retries, the dead letter
/// and its replay, all against a real receiver on loopback.
@Suite("Status events")
struct StatusEventTests {
    static func options(_ change: (inout EventSettings) -> Void = { _ in }) -> HarnessOptions {
        var settings = EventSettings()
        settings.idlePollMillis = 100
        settings.quietPollMillis = 200
        settings.firstBackoffMillis = 50
        settings.maxBackoffMillis = 200
        settings.callbackSecret = "callback-secret-for-tests"
        settings.egress = EgressPolicy(allowedNetworks: EgressPolicy.loopback)
        change(&settings)
        var options = HarnessOptions()
        options.statusEvents = settings
        return options
    }

    /// Creates a subscription to `receiver` and has it trust the secret; returns the subscription's JSON.
    static func subscribe(_ h: Harness, _ receiver: EventReceiver, events: String = #"["*"]"#, campaign: String? = nil)
        async throws -> [String: Any]
    {
        let campaignField = campaign.map { #","campaign":"\#($0)""# } ?? ""
        let reply = try await h.api(.POST, "/v1/event-subscriptions",
                                    json: #"{"url":"\#(receiver.url)","events":\#(events)\#(campaignField)}"#)
        #expect(reply.status == 201, "\(reply.body)")
        let secret = try #require(reply.json["secret"] as? String)
        receiver.trust(secret)
        return reply.json
    }

    static func events(of id: String, in receiver: EventReceiver) -> [[String: JSONValue]] {
        receiver.events.filter { $0["message_id"] == .string(id) }
    }

    static func types(_ events: [[String: JSONValue]]) -> [String] {
        events.compactMap { if case .string(let type)? = $0["type"] { type } else { nil } }
    }

    @Test("a subscription to every event gets accepted, sent and delivered in signed batches, in sequence, with the caller's fields",
          arguments: RedisLayout.allCases)
    func everyEvent(layout: RedisLayout) async throws {
        let receiver = try await EventReceiver.start()
        try await withHarness(Self.options(), on: layout) { h in
            _ = try await Self.subscribe(h, receiver)
            let id = try await h.sendSMS(to: "+14155550101", extra: #","campaign":"spring","user_id":"u-1","idempotency_key":"k-1","metadata":{"order":42,"tier":"gold"}"#)
            try await eventually("the delivered event arrives", timeout: .seconds(30)) {
                Self.types(Self.events(of: id, in: receiver)).contains("delivered")
            }
            let events = Self.events(of: id, in: receiver)
            #expect(Self.types(events) == ["accepted", "sent", "delivered"])
            #expect(events.map { $0["sequence"] } == [.number(1), .number(2), .number(3)])
            let delivered = try #require(events.last)
            #expect(delivered["campaign"] == .string("spring"))
            #expect(delivered["user_id"] == .string("u-1"))
            #expect(delivered["idempotency_key"] == .string("k-1"))
            #expect(delivered["metadata"] == .object(["order": .number(42), "tier": .string("gold")]))
            #expect(delivered["status"] == .string("delivered"))
            #expect(delivered["provider"] == .string("twilio"))
            #expect(delivered["channel"] == .string("sms"))
            let ids = events.compactMap { if case .string(let id)? = $0["id"] { id } else { nil } }
            #expect(Set(ids).count == 3 && ids.allSatisfy { $0.hasPrefix("evt_") })
            #expect(receiver.unsignedPosts == 0)
            #expect(receiver.batches.allSatisfy { $0.eventCount == String($0.events.count) })
        }
    }

    @Test("a subscription filtered by type and campaign gets only those events")
    func filtered() async throws {
        let receiver = try await EventReceiver.start()
        let witness = try await EventReceiver.start()
        try await withHarness(Self.options()) { h in
            let filtered = try await Self.subscribe(h, receiver, events: #"["delivered"]"#, campaign: "a")
            let filteredID = try #require(filtered["id"] as? String)
            _ = try await Self.subscribe(h, witness)
            let inCampaign = try await h.sendSMS(to: "+14155550102", extra: #","campaign":"a""#)
            let other = try await h.sendSMS(to: "+14155550103", extra: #","campaign":"b""#)
            let none = try await h.sendSMS(to: "+14155550104")
            // Each outbox entry is queued for every subscription in the same step: once the
            // witness has every delivered event and the filtered queue is empty, all is in.
            try await eventually("the witness has every delivered event, and the filtered queue is drained", timeout: .seconds(30)) {
                let delivered = [inCampaign, other, none].allSatisfy { Self.types(Self.events(of: $0, in: witness)).contains("delivered") }
                let shown = try await h.api(.GET, "/v1/event-subscriptions/" + filteredID).json
                return delivered && (shown["delivery"] as? [String: Any])?["queued"] as? Int == 0
            }
            #expect(Self.types(Self.events(of: inCampaign, in: receiver)) == ["delivered"])
            #expect(Self.events(of: other, in: receiver).isEmpty)
            #expect(Self.events(of: none, in: receiver).isEmpty)
        }
    }

    @Test("a message's callback_url gets its own events, signed with the event secret; other messages' events do not go there")
    func callbackURL() async throws {
        let receiver = try await EventReceiver.start(secrets: ["callback-secret-for-tests"])
        try await withHarness(Self.options()) { h in
            let id = try await h.sendSMS(to: "+14155550105", extra: #","callback_url":"\#(receiver.url)""#)
            let other = try await h.sendSMS(to: "+14155550106")
            try await h.waitForStatus(other, "delivered")
            try await eventually("the callback gets delivered", timeout: .seconds(30)) {
                Self.types(Self.events(of: id, in: receiver)).contains("delivered")
            }
            #expect(Self.types(Self.events(of: id, in: receiver)) == ["accepted", "sent", "delivered"])
            #expect(Self.events(of: other, in: receiver).isEmpty)
            #expect(receiver.unsignedPosts == 0)
        }
    }

    @Test("a receiver answering 500 is retried with backoff, and gets every event once it answers 200")
    func retried() async throws {
        let receiver = try await EventReceiver.start()
        receiver.answer(500)
        try await withHarness(Self.options()) { h in
            let subscription = try await Self.subscribe(h, receiver)
            let subscriptionID = try #require(subscription["id"] as? String)
            let ids = [try await h.sendSMS(to: "+14155550107"), try await h.sendSMS(to: "+14155550108")]
            try await eventually("the subscription is failing and retried", timeout: .seconds(30)) {
                let shown = try await h.api(.GET, "/v1/event-subscriptions/" + subscriptionID).json
                let delivery = shown["delivery"] as? [String: Any]
                return (delivery?["attempts"] as? Int ?? 0) >= 3 && delivery?["failing_since"] is String
                    && (delivery?["last_error"] as? String ?? "").contains("500")
            }
            receiver.answer(200)
            try await eventually("every event arrives", timeout: .seconds(30)) {
                ids.allSatisfy { Self.types(Self.events(of: $0, in: receiver)) == ["accepted", "sent", "delivered"] }
            }
            // The receiver has the events once it answers; Herald records the answer just after.
            try await eventually("the subscription is no longer failing, with all six delivered") {
                let delivery = try await h.api(.GET, "/v1/event-subscriptions/" + subscriptionID).json["delivery"] as? [String: Any]
                return delivery?["attempts"] as? Int == 0 && delivery?["failing_since"] is NSNull
                    && delivery?["delivered"] as? Int == 6 && delivery?["last_success_at"] is String
            }
        }
    }

    @Test("events failing past the retry window go to the dead letter; GET failed lists them and replay delivers them")
    func deadLetterAndReplay() async throws {
        let receiver = try await EventReceiver.start()
        receiver.answer(302)  // a redirect is not followed: the batch was not taken
        try await withHarness(Self.options { $0.retryWindowMillis = 1 }) { h in
            let subscription = try await Self.subscribe(h, receiver, events: #"["accepted"]"#)
            let subscriptionID = try #require(subscription["id"] as? String)
            let ids = [try await h.sendSMS(to: "+14155550109"), try await h.sendSMS(to: "+14155550110")]
            var failed: [String: Any] = [:]
            try await eventually("both events are dead-lettered", timeout: .seconds(30)) {
                failed = try await h.api(.GET, "/v1/event-subscriptions/\(subscriptionID)/failed").json
                return failed["total"] as? Int == 2 && (failed["events"] as? [Any])?.count == 2
            }
            let listed = try #require(failed["events"] as? [[String: Any]])
            #expect(Set(listed.compactMap { ($0["event"] as? [String: Any])?["message_id"] as? String }) == Set(ids), "\(failed)")
            #expect(listed.allSatisfy { ($0["reason"] as? String ?? "").contains("302") && $0["failed_at"] is String })
            receiver.answer(200)
            let replay = try await h.api(.POST, "/v1/event-subscriptions/\(subscriptionID)/replay")
            #expect(replay.status == 200)
            #expect(replay.json["replayed"] as? Int == 2)
            #expect(replay.json["left"] as? Int == 0)
            try await eventually("the replayed events arrive", timeout: .seconds(30)) {
                ids.allSatisfy { Self.types(Self.events(of: $0, in: receiver)) == ["accepted"] }
            }
            #expect(try await h.api(.GET, "/v1/event-subscriptions/\(subscriptionID)/failed").json["total"] as? Int == 0)
        }
    }

    @Test("a dead receiver never holds up another subscription")
    func deadReceiverIsolated() async throws {
        let live = try await EventReceiver.start()
        let dead = try await EventReceiver.start()
        dead.answer(500)
        try await withHarness(Self.options()) { h in
            let deadID = try #require(try await Self.subscribe(h, dead)["id"] as? String)
            _ = try await Self.subscribe(h, live, events: #"["delivered"]"#)
            var ids: [String] = []
            for n in 0..<40 { ids.append(try await h.sendSMS(to: "+1415555" + String(format: "%04d", 2_000 + n))) }
            try await eventually("the live receiver gets every delivered event", timeout: .seconds(60)) {
                Set(live.events.compactMap { if case .string(let id)? = $0["message_id"] { id } else { nil } }) == Set(ids)
            }
            try await eventually("the dead receiver was tried and is failing, with nothing delivered") {
                let shown = try await h.api(.GET, "/v1/event-subscriptions/" + deadID).json["delivery"] as? [String: Any]
                return shown?["failing_since"] is String && shown?["delivered"] as? Int == 0
            }
        }
    }

    @Test("events are written with the status change: a fan-out started after the messages were sent still delivers them all")
    func outboxSurvivesRestart() async throws {
        let receiver = try await EventReceiver.start()
        var options = Self.options()
        let settings = try #require(options.statusEvents)
        options.statusEvents = nil
        try await withHarness(options) { h in
            _ = try await Self.subscribe(h, receiver, events: #"["sent","delivered"]"#)
            let ids = [try await h.sendSMS(to: "+14155550111"), try await h.sendSMS(to: "+14155550112")]
            for id in ids { try await h.waitForStatus(id, "delivered") }
            #expect(receiver.events.isEmpty)
            try h.startStatusEvents(settings)
            try await eventually("the events written while no fan-out ran arrive", timeout: .seconds(30)) {
                ids.allSatisfy { Self.types(Self.events(of: $0, in: receiver)) == ["sent", "delivered"] }
            }
            // Delivered, the outbox entries are gone: nothing is kept once queued and taken.
            try await eventually("the outbox is emptied") {
                try await h.redis.call("XLEN", EventKeys.outbox(ChannelKeys(.sms))).integer == 0
            }
        }
    }

    @Test("bad subscriptions and callback URLs are refused with 422 naming the field, and store nothing")
    func badInput() async throws {
        try await withHarness(Self.options()) { h in
            let cases: [(String, String)] = [
                (#"{"events":["*"]}"#, "url"),
                (#"{"url":"http://example.com/hook","events":["*"]}"#, "url"),
                (#"{"url":"ftp://127.0.0.1/hook","events":["*"]}"#, "url"),
                (#"{"url":"https://user:pw@127.0.0.1/hook","events":["*"]}"#, "url"),
                (#"{"url":"https://10.1.2.3/hook","events":["*"]}"#, "url"),
                (#"{"url":"http://127.0.0.1:9/hook"}"#, "events"),
                (#"{"url":"http://127.0.0.1:9/hook","events":[]}"#, "events"),
                (#"{"url":"http://127.0.0.1:9/hook","events":["opened"]}"#, "events"),
                (#"{"url":"http://127.0.0.1:9/hook","events":["*"],"secret":"short"}"#, "secret"),
                (#"{"url":"http://127.0.0.1:9/hook","events":"*"}"#, "events"),
            ]
            for (body, field) in cases {
                let reply = try await h.api(.POST, "/v1/event-subscriptions", json: body)
                #expect(reply.status == 422, "\(body): \(reply.body)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == field, "\(body): \(reply.body)")
            }
            #expect((try await h.api(.GET, "/v1/event-subscriptions").json["subscriptions"] as? [Any])?.isEmpty == true)
            #expect(try await h.redis.call("EXISTS", EventKeys.subscriptions).integer == 0)
            #expect(try await h.api(.GET, "/v1/event-subscriptions/evs_aaaaaaaaaaaaaaaaaaaa").status == 404)
            #expect(try await h.api(.DELETE, "/v1/event-subscriptions/nope").status == 404)
            for callback in ["http://example.com/cb", "ftp://127.0.0.1/cb", "not a url"] {
                let reply = try await h.api(.POST, "/v1/messages",
                                            json: #"{"channel":"sms","to":"+14155550113","content":{"body":"x"},"callback_url":"\#(callback)"}"#)
                #expect(reply.status == 422, "\(callback): \(reply.body)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "callback_url")
            }
            let big = String(repeating: "x", count: 3_000)
            let reply = try await h.api(.POST, "/v1/messages",
                                        json: #"{"channel":"sms","to":"+14155550113","content":{"body":"x"},"metadata":{"a":"\#(big)"}}"#)
            #expect(reply.status == 422)
            #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "metadata")
        }
    }

    @Test("a subscription is listed, shown without its secret, and deleted with its queue")
    func lifecycle() async throws {
        let receiver = try await EventReceiver.start()
        try await withHarness(Self.options()) { h in
            let created = try await Self.subscribe(h, receiver, events: #"["delivered","failed"]"#)
            let id = try #require(created["id"] as? String)
            #expect(created["events"] as? [String] == ["delivered", "failed"])
            let shown = try await h.api(.GET, "/v1/event-subscriptions/" + id)
            #expect(shown.status == 200)
            #expect(shown.json["secret"] == nil)
            #expect(shown.json["url"] as? String == receiver.url)
            let listed = try await h.api(.GET, "/v1/event-subscriptions").json["subscriptions"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["id"] as? String } == [id])
            #expect(try await h.api(.DELETE, "/v1/event-subscriptions/" + id).status == 204)
            #expect(try await h.api(.GET, "/v1/event-subscriptions/" + id).status == 404)
            #expect(try await h.redis.call("EXISTS", EventKeys.subscriptions, EventKeys.queue(id), EventKeys.state(id)).integer == 0)
        }
    }

    @Test("a campaign's completion is pushed as campaign.completed, and its messages' events carry the campaign")
    func campaignCompleted() async throws {
        let receiver = try await EventReceiver.start()
        try await withHarness(Self.options()) { h in
            _ = try await Self.subscribe(h, receiver, events: #"["campaign.completed","delivered"]"#, campaign: "wave")
            try await h.createCampaign(#"{"id":"wave","channel":"sms","content":{"body":"hi"}}"#)
            #expect(try await h.addRecipientsCSV("wave", "to\n+14155556001\n+14155556002\n").json["accepted"] as? Int == 2)
            #expect(try await h.campaignAction("wave", "start").status == 200)
            try await eventually("campaign.completed arrives", timeout: .seconds(60)) {
                receiver.events.contains { $0["type"] == .string("campaign.completed") }
            }
            let completed = try #require(receiver.events.first { $0["type"] == .string("campaign.completed") })
            #expect(completed["campaign"] == .string("wave"))
            #expect(try await h.campaign("wave")["state"] as? String == "completed")
            try await eventually("both messages' delivered events arrive") {
                receiver.events.filter { $0["type"] == .string("delivered") && $0["campaign"] == .string("wave") }.count == 2
            }
        }
    }

    @Test("a person's STOP is pushed as unsubscribed, with the channel, the recipient and the scope")
    func unsubscribed() async throws {
        let receiver = try await EventReceiver.start()
        try await withHarness(Self.options()) { h in
            _ = try await Self.subscribe(h, receiver, events: #"["unsubscribed"]"#)
            #expect(try await InboundTests.postInbound(h, from: "+14155550198", body: "STOP").status == 200)
            try await eventually("the unsubscribed event arrives") { !receiver.events.isEmpty }
            let event = try #require(receiver.events.first)
            #expect(event["type"] == .string("unsubscribed"))
            #expect(event["channel"] == .string("sms"))
            #expect(event["recipient"] == .string("+14155550198"))
            #expect(event["scope"] == .string("all"))
            #expect(event["message_id"] == nil)
            // A second STOP changes nothing and is no second event: another person's STOP,
            // queued after it in the same outbox, arrives alone.
            #expect(try await InboundTests.postInbound(h, from: "+14155550198", body: "STOP").status == 200)
            #expect(try await InboundTests.postInbound(h, from: "+14155550197", body: "STOP").status == 200)
            try await eventually("the other person's event arrives") { receiver.events.count >= 2 }
            #expect(receiver.events.map { $0["recipient"] } == [.string("+14155550198"), .string("+14155550197")])
        }
    }
}
