import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

/// The console in a real browser: Debian's headless Chromium driven by
/// Selenium (`console_browser.py`, with the Python `HERALD_CONSOLE_PYTHON`
/// names; scripts/test sets it up).
@Suite("Console in a browser")
struct ConsoleBrowserTests {
    @Test("log in, see a running campaign's counts match the API, pause it with the button, search a message; a forged CSRF token is refused")
    func browse() async throws {
        let python = try #require(ProcessInfo.processInfo.environment["HERALD_CONSOLE_PYTHON"],
                                  "HERALD_CONSOLE_PYTHON names a Python with selenium 4.27.1 (scripts/test sets it)")
        var options = HarnessOptions()
        options.quietHours = [:]
        try await withHarness(options) { h in
            try await h.createCampaign(#"{"id":"browser","channel":"sms","content":{"body":"spring sale"},"pacing":{"rate_per_minute":60}}"#)
            #expect(try await h.addRecipientsCSV("browser", "to\n" + (0..<300).map { "+1415555" + String(format: "%04d", 3_000 + $0) }
                .joined(separator: "\n") + "\n").json["accepted"] as? Int == 300)
            #expect(try await h.campaignAction("browser", "start").status == 200)
            try await eventually("the campaign is sending", timeout: .seconds(30)) { try await h.campaignCount("browser", "sent") >= 2 }
            let message = try await h.sendSMS(to: "+14155550199")
            try await h.waitForStatus(message, "delivered")
            #expect(try await h.api(.POST, "/v1/event-subscriptions",
                                    json: #"{"url":"http://127.0.0.1:9/events","events":["delivered"]}"#).status == 201)
            let shots = ProcessInfo.processInfo.environment["HERALD_CONSOLE_SCREENSHOTS"]
                ?? NSTemporaryDirectory() + "herald-console-" + UUID().uuidString
            defer { if ProcessInfo.processInfo.environment["HERALD_CONSOLE_SCREENSHOTS"] == nil { try? FileManager.default.removeItem(atPath: shots) } }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("console_browser.py").path
            let log = NSTemporaryDirectory() + "herald-console-" + UUID().uuidString + ".log"
            defer { try? FileManager.default.removeItem(atPath: log) }
            let browser = try ChildProcess(python, arguments: [script, h.apiURL, "test-key", "browser", message, shots],
                                           outputFile: log)
            let deadline = ContinuousClock.now.advanced(by: .seconds(180))
            while browser.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let running = browser.isRunning
            if running { browser.kill() }
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(!running, "the browser run finished within 180 s: \(output)")
            #expect(browser.exitStatus == 0, "\(output)")
            #expect(output.contains("ok   after logging out the console asks to log in again"), "\(output)")
        }
    }
}
