import Foundation
import HeraldAdapters
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

/// Campaign numbers: `+1415` and seven digits, distinct per index.
func campaignNumbers(_ count: Int, from start: Int = 0) -> [String] {
    (start..<(start + count)).map { "+1415" + String(1_000_000 + $0).suffix(7) }
}

/// A CSV of `numbers` under a `to` header.
func campaignCSV(_ numbers: [String]) -> String { "to\n" + numbers.joined(separator: "\n") + "\n" }

@Suite("Campaigns")
struct CampaignTests {
    static var options: HarnessOptions {
        var options = HarnessOptions()
        options.callbackStatuses = []
        return options
    }

    @Test("the rate per minute holds over every span while the campaign runs, with one releaser or two sharing it",
          arguments: [1, 2])
    func pacing(releasers: Int) async throws {
        try await withHarness(Self.options) { h in
            if releasers == 2 { h.startCampaignReleaser() }
            let numbers = campaignNumbers(300)
            try await h.createCampaign(#"{"id":"paced","channel":"sms","content":{"body":"spring sale"},"pacing":{"rate_per_minute":1200}}"#)
            let added = try await h.addRecipientsCSV("paced", campaignCSV(numbers))
            #expect(added.status == 202 && added.json["accepted"] as? Int == 300, "\(added.body)")
            #expect(try await h.campaignAction("paced", "start").status == 200)
            try await h.waitForCampaign("paced", "completed", timeout: .seconds(120))
            let ledger = h.ledger(TwilioRegistration.name)
            try await eventually("every recipient reached the provider", timeout: .seconds(30)) { ledger.accepted == 300 }
            #expect(ledger.duplicates == 0)
            // 1,200 a minute is 20 a second, from a bucket of half a second (10): over any span of
            // s seconds at most 20·s + 10 are released. Releases are read from Redis (each message's
            // `created_at`, when the releaser made it), arrivals from the provider simulator's own
            // clock. A message's `created_at` is stamped when its take is rendered, up to a few
            // hundred ms after the bucket gave the take its tokens on a loaded machine, so releases
            // get half a second of the rate more (10); arrivals a second and a half more, for the
            // time between release and arrival (a worker reads its stream in batches; with two
            // releasers and two cores, a CI run once saw 231 within 10 s against 230).
            // A slow machine only spreads them further: these bound the pace from above, not a timing.
            let released = try await h.campaignMessageTimes("paced")
            #expect(released.count == 300)
            func maxInSpan<T: Comparable>(_ times: [T], within: (T, T) -> Bool) -> Int {
                var low = 0, most = 0
                for (high, time) in times.enumerated() {
                    while !within(times[low], time) { low += 1 }
                    most = max(most, high - low + 1)
                }
                return most
            }
            for span in [2, 5, 10] {
                let most = maxInSpan(released.sorted()) { $1 - $0 < Int64(span) * 1_000 }
                #expect(most <= 20 * span + 10 + 10, "\(most) released within \(span) s at 20/s")
            }
            let arrivals = ledger.acceptedAt.sorted()
            for span in [5, 10] {
                let most = maxInSpan(arrivals) { $1 - $0 < .seconds(span) }
                #expect(most <= 20 * span + 10 + 30, "\(most) arrivals within \(span) s at 20/s")
            }
            #expect(arrivals.last! - arrivals.first! >= .seconds(14), "300 at 20/s after a burst of 10 take at least 14.5 s")
        }
    }

    /// A zone of fixed offset (no DST) where it is now `hour` o'clock.
    static func zone(whereItIs hour: Int, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let utcHour = calendar.component(.hour, from: now)
        var offset = (hour - utcHour + 24) % 24
        if offset > 12 { offset -= 24 }
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
    }

    @Test("windows are reckoned in each recipient's zone: where it is noon they are sent, where it is midnight they wait for 10:00")
    func windowsInTwoZones() async throws {
        try await withHarness(Self.options) { h in
            let noon = Self.zone(whereItIs: 12), midnight = Self.zone(whereItIs: 0)
            try await h.createCampaign(#"""
                {"id":"zones","channel":"sms","content":{"body":"good morning"},"timezone":"\#(noon)",
                 "pacing":{"windows":[{"days":"mon-sun","from":"10:00","to":"14:00"}]}}
                """#)
            let day = campaignNumbers(3), night = campaignNumbers(3, from: 100)
            let csv = "to,timezone\n" + day.map { $0 + "," }.joined(separator: "\n") + "\n"
                + night.map { $0 + "," + midnight }.joined(separator: "\n") + "\n"
            #expect(try await h.addRecipientsCSV("zones", csv).json["accepted"] as? Int == 6)
            #expect(try await h.campaignAction("zones", "start").status == 200)
            let ledger = h.ledger(TwilioRegistration.name)
            try await eventually("the recipients where it is noon are sent") { day.allSatisfy { ledger.accepted(to: $0) == 1 } }
            let view = try await h.campaign("zones")
            #expect((view["counts"] as? [String: Any])?["pending"] as? Int == 3)
            #expect(view["state"] as? String == "running")
            #expect(night.allSatisfy { ledger.requests(to: $0) == 0 }, "nothing was sent where it is midnight")
            // The next opening is 10:00 today in the midnight zone.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: midnight)!
            let opening = calendar.date(byAdding: .hour, value: 10, to: calendar.startOfDay(for: Date()))!
            #expect(view["next_window_at"] as? String == RFC3339.format(millis: Int64(opening.timeIntervalSince1970 * 1000)))
            // Waiting outside a window is no attempt: nothing of theirs is a message yet.
            #expect(try await h.campaignCount("zones", "sending") == 0)
        }
    }

    @Test("batches release their share of the audience at their time, not before")
    func batches() async throws {
        try await withHarness(Self.options) { h in
            let now = WallClock.nowMillis()
            let clockNow = ContinuousClock.now
            let second = (now / 1_000 + 4) * 1_000  // a whole second: RFC 3339 fractions do not round-trip exactly
            try await h.createCampaign(#"""
                {"id":"halves","channel":"sms","content":{"body":"part"},"pacing":{"batches":[
                 {"at":"\#(RFC3339.format(millis: now - 60_000))","percent":50},{"at":"\#(RFC3339.format(millis: second))","percent":50}]}}
                """#)
            let numbers = campaignNumbers(10, from: 200)
            _ = try await h.addRecipientsCSV("halves", campaignCSV(numbers))
            #expect(try await h.campaignAction("halves", "start").status == 200)
            let ledger = h.ledger(TwilioRegistration.name)
            try await eventually("the first half is sent") { ledger.accepted >= 5 }
            let view = try await h.campaign("halves")
            if WallClock.nowMillis() < second {
                // Read before the second batch's time: the other half must still be pending.
                #expect((view["counts"] as? [String: Any])?["pending"] as? Int == 5)
                #expect(view["next_batch_at"] as? String == RFC3339.format(millis: second))
            }
            try await h.waitForCampaign("halves", "completed")
            try await eventually("the second half is sent") { ledger.accepted == 10 }
            let secondAt = clockNow + .milliseconds(second - now)
            let arrivals = ledger.acceptedAt.sorted()
            #expect(arrivals[5...].allSatisfy { $0 >= secondAt - .milliseconds(100) },
                    "the second half arrived only after its batch time")
        }
    }

    @Test("pause on one instance stops sends on both, resume finishes the campaign, every recipient sent once")
    func pauseAndResumeAcrossInstances() async throws {
        try await withHarness(Self.options) { h in
            let second = try await h.startSecondAPI()
            h.startCampaignReleaser()
            let numbers = campaignNumbers(120, from: 300)
            try await h.createCampaign(#"{"id":"pausable","channel":"sms","content":{"body":"hi"},"pacing":{"rate_per_minute":600}}"#)
            _ = try await h.addRecipientsCSV("pausable", campaignCSV(numbers))
            #expect(try await h.campaignAction("pausable", "start").status == 200)
            let ledger = h.ledger(TwilioRegistration.name)
            try await eventually("sending") { ledger.accepted >= 15 }
            let paused = try await h.campaignAction("pausable", "pause", base: second)
            #expect(paused.status == 200 && paused.json["state"] as? String == "paused", "\(paused.body)")
            // Released messages stop at the worker within its state cache's age (250 ms); then nothing
            // may arrive for as long as the campaign stays paused. Absence has no condition to wait on.
            try await Task.sleep(for: .seconds(1))
            let atPause = ledger.accepted
            try await Task.sleep(for: .seconds(2))
            #expect(ledger.accepted == atPause, "\(ledger.accepted - atPause) sent while paused")
            #expect(atPause < 120)
            #expect(try await h.campaignAction("pausable", "pause").status == 409, "paused twice")
            #expect(try await h.campaignAction("pausable", "resume").status == 200)
            try await h.waitForCampaign("pausable", "completed", timeout: .seconds(60))
            try await eventually("all sent", timeout: .seconds(30)) { ledger.accepted == 120 }
            #expect(ledger.duplicates == 0)
            #expect(numbers.allSatisfy { ledger.accepted(to: $0) == 1 })
        }
    }

    @Test("cancel ends every unsent recipient canceled, on every instance, and refuses what follows with 409")
    func cancel() async throws {
        try await withHarness(Self.options) { h in
            let second = try await h.startSecondAPI()
            h.startCampaignReleaser()
            try await h.createCampaign(#"{"id":"doomed","channel":"sms","content":{"body":"hi"},"pacing":{"rate_per_minute":600}}"#)
            _ = try await h.addRecipientsCSV("doomed", campaignCSV(campaignNumbers(100, from: 500)))
            #expect(try await h.campaignAction("doomed", "start").status == 200)
            let ledger = h.ledger(TwilioRegistration.name)
            try await eventually("sending") { ledger.accepted >= 10 }
            #expect(try await h.campaignAction("doomed", "cancel", base: second).status == 200)
            try await eventually("every recipient is sent or canceled", timeout: .seconds(30)) {
                let counts = try await h.campaign("doomed")["counts"] as? [String: Any] ?? [:]
                return (counts["sent"] as? Int ?? 0) + (counts["canceled"] as? Int ?? 0) == 100
                    && counts["sending"] as? Int == 0
            }
            let sent = try await h.campaignCount("doomed", "sent")
            #expect(ledger.accepted == sent)
            let resumed = try await h.campaignAction("doomed", "resume")
            #expect(resumed.status == 409, "\(resumed.body)")
            #expect((resumed.json["error"] as? [String: Any])?["state"] as? String == "canceled", "\(resumed.body)")
            let added = try await h.addRecipientsCSV("doomed", campaignCSV(campaignNumbers(1, from: 900)))
            #expect(added.status == 409, "\(added.body)")
        }
    }

    @Test("the same person in two calls, by user id or by number, is counted once and sent once")
    func duplicatePerson() async throws {
        try await withHarness(Self.options) { h in
            try await h.createCampaign(#"{"id":"once","channel":"sms","content":{"body":"hi"}}"#)
            let first = try await h.api(.POST, "/v1/campaigns/once/recipients", json: #"""
                {"recipients":[{"to":"+14155550601","user_id":"u1"},{"to":"+14155550602"},{"to":"+14155550603","user_id":"u3"},
                 {"to":"+14155550602"}]}
                """#)
            #expect(first.status == 202)
            #expect(first.json["accepted"] as? Int == 3 && first.json["duplicates"] as? Int == 1, "\(first.body)")
            let second = try await h.addRecipientsCSV("once", "to,user_id\n+14155550699,u1\n+14155550602,\n+14155550604,\n")
            #expect(second.json["accepted"] as? Int == 1 && second.json["duplicates"] as? Int == 2, "\(second.body)")
            #expect(try await h.campaignAction("once", "start").status == 200)
            try await h.waitForCampaign("once", "completed")
            let ledger = h.ledger(TwilioRegistration.name)
            try await eventually("all four sent") { ledger.accepted == 4 }
            #expect(ledger.accepted(to: "+14155550601") == 1 && ledger.requests(to: "+14155550699") == 0)
            #expect(ledger.accepted(to: "+14155550602") == 1)
            #expect(try await h.campaignCount("once", "recipients") == 4)
            #expect(try await h.campaignCount("once", "duplicates") == 3)
            let stats = try await h.api(.GET, "/v1/stats?campaign=once")
            #expect((stats.json["totals"] as? [String: Any])?["accepted"] as? Int == 4, "every message carries the campaign")
        }
    }

    @Test("bad input: row and field errors keep the good rows; unknown templates, bad windows, 413, 404 and 409")
    func badInput() async throws {
        try await withHarness(Self.options) { h in
            let unknown = try await h.api(.POST, "/v1/campaigns", json: #"{"id":"t1","channel":"sms","template":"nope"}"#)
            #expect(unknown.status == 422 && unknown.body.contains("unknown_template"), "\(unknown.body)")
            #expect(try await h.api(.GET, "/v1/campaigns/t1").status == 404, "nothing half-written")
            let window = try await h.api(.POST, "/v1/campaigns", json: #"""
                {"id":"t2","channel":"sms","content":{"body":"x"},"pacing":{"windows":[{"days":"someday","from":"09:00","to":"10:00"}]}}
                """#)
            #expect(window.status == 422 && window.json.description.contains("pacing.windows[0].days"), "\(window.body)")
            let body = #"{"id":"c","channel":"sms","content":{"body":"x"}}"#
            #expect(try await h.api(.POST, "/v1/campaigns", json: body).status == 201)
            #expect(try await h.api(.POST, "/v1/campaigns", json: body).status == 200, "the same body again")
            let other = try await h.api(.POST, "/v1/campaigns", json: #"{"id":"c","channel":"sms","content":{"body":"y"}}"#)
            #expect(other.status == 409, "\(other.body)")
            let csv = "to,user_id,timezone\n+14155550700,a,\n\"+14155550701,b,\nnot-a-phone,c,\n+14155550702,d,Nowhere/City\n+14155550703,e,Asia/Tokyo\n"
            // Row 3's quote is never closed: it is reported alone, and reading goes on at row 4.
            let added = try await h.addRecipientsCSV("c", csv)
            #expect(added.status == 202)
            #expect(added.json["accepted"] as? Int == 2 && added.json["rejected"] as? Int == 3, "\(added.body)")
            let errors = added.json["errors"] as? [[String: Any]] ?? []
            #expect(errors.compactMap { $0["field"] as? String } == ["", "to", "timezone"], "\(added.body)")
            #expect(errors.compactMap { $0["row"] as? Int } == [3, 4, 5], "\(added.body)")
            let many = #"{"recipients":["# + Array(repeating: #"{"to":"+14155550100"}"#, count: 10_001).joined(separator: ",") + "]}"
            #expect(try await h.api(.POST, "/v1/campaigns/c/recipients", json: many).status == 413)
            #expect(try await h.addRecipientsCSV("missing", campaignCSV(["+14155550100"])).status == 404)
            #expect(try await h.campaignAction("c", "resume").status == 409, "resume a draft")
            #expect(try await h.campaignAction("c", "start").status == 200)
            try await h.waitForCampaign("c", "completed")
            let late = try await h.addRecipientsCSV("c", campaignCSV(["+14155550704"]))
            #expect(late.status == 409 && late.body.contains("campaign_closed"), "\(late.body)")
            let page = try await h.api(.GET, "/v1/campaigns?limit=1")
            #expect((page.json["campaigns"] as? [[String: Any]])?.count == 1, "\(page.body)")
        }
    }

    @Test("an encrypted recipient is imported and sent like an encrypted message: decrypted only by the worker, deduplicated by user id")
    func encryptedRecipients() async throws {
        var options = Self.options
        options.recipientKeys = EncryptedRecipientTests.keyring
        try await withHarness(options) { h in
            let clear = "+14155550642"
            let sealed = try EncryptedRecipientTests.keyring.encrypt(clear, mode: .aes256GCM)
            let resealed = try EncryptedRecipientTests.keyring.encrypt(clear, mode: .aes256GCM)
            try await h.createCampaign(#"{"id":"sealed","channel":"sms","content":{"body":"hi"}}"#)
            let added = try await h.api(.POST, "/v1/campaigns/sealed/recipients", json: #"""
                {"recipients":[{"to":"\#(sealed)","to_encryption":"aes","user_id":"p1"},
                               {"to":"\#(resealed)","to_encryption":"aes","user_id":"p1"},
                               {"to":"not base64","to_encryption":"aes"}]}
                """#)
            #expect(added.json["accepted"] as? Int == 1 && added.json["duplicates"] as? Int == 1, "\(added.body)")
            #expect((added.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "to", "\(added.body)")
            let pending = try await h.redis.send(["KEYS", CampaignKeys.prefix + "p:sealed:*"]).orThrow().array
            let stored = try await h.redis.send(["LRANGE", try #require(pending.first?.string), "0", "-1"]).orThrow()
            let record = stored.array.first?.string ?? ""
            #expect(!record.isEmpty && !record.contains("14155550642"), "the clear number is not stored")
            #expect(try await h.campaignAction("sealed", "start").status == 200)
            try await h.waitForCampaign("sealed", "completed")
            try await eventually("sent to the clear number") { h.ledger(TwilioRegistration.name).accepted(to: clear) == 1 }
        }
    }
}
