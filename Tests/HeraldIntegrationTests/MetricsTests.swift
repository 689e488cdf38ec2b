import Foundation
import HeraldTesting
import Testing

/// `/metrics` as Prometheus sees it: the queue gauges, request and provider
/// latency histograms and receipt counters, checked by Prometheus's own `promtool`.
@Suite("Metrics")
struct MetricsTests {
    @Test("/metrics carries queue depth and age, HTTP and provider latency, receipts by outcome, and passes promtool")
    func exposition() async throws {
        try await withHarness { h in
            let sent = try await h.sendSMS(to: "+14155550160")
            _ = try await h.sendSMS(to: "+14155550161", extra: #","send_at":"2099-01-01T00:00:00Z""#)
            #expect(try await h.api(.POST, "/v1/messages", json: #"{"channel":"fax"}"#).status == 422)
            try await h.waitForStatus(sent, "delivered")
            let reply = try await h.request(.GET, h.apiURL + "/metrics")
            #expect(reply.status == 200)
            let text = reply.body
            for line in [
                #"herald_queue_delayed{channel="sms"} 1"#,
                #"herald_queue_ready{channel="sms"} 0"#,
                #"herald_queue_oldest_age_seconds{channel="sms"} 0"#,
                #"herald_http_request_seconds_count{method="POST",route="/v1/messages",status="202"} 2"#,
                #"herald_http_request_seconds_count{method="POST",route="/v1/messages",status="422"} 1"#,
                #"herald_provider_send_seconds_count{provider="twilio"} 1"#,
                #"herald_receipts_total{provider="twilio",result="#,
            ] {
                #expect(text.contains(line), "missing \(line)")
            }
            #expect(!text.contains(h.apiURL), "no raw URLs or ids as label values")

            let check = try await PromtoolCheck.run(text)
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }
    }
}

/// Runs `promtool check metrics` (Debian's prometheus package) on an exposition.
enum PromtoolCheck {
    static func run(_ exposition: String) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: printed, as: UTF8.self))
    }
}

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// What can drift is the copy SwiftPM bundles (a build that did not pick up
    /// an edit, or lost the resource and serves the fallback) and the root file
    /// readers and tools open (a copy instead of the link would diverge). So the
    /// served bytes are compared with the source file itself, not through the link.
    @Test("GET /openapi.yaml serves Sources/HeraldHTTP/openapi.yaml byte for byte")
    func served() async throws {
        let source = try Data(contentsOf: Self.repository.appendingPathComponent("Sources/HeraldHTTP/openapi.yaml"))
        #expect(String(decoding: source, as: UTF8.self).hasPrefix("openapi: 3.1.0"))
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let reply = try await h.request(.GET, h.apiURL + "/openapi.yaml")
            #expect(reply.status == 200)
            #expect(Data(reply.body.utf8) == source, "the served document is not the source file (\(reply.body.utf8.count) bytes served, \(source.count) in the file)")
        }
    }

    @Test("the repository's root openapi.yaml is a link to the served file, not a copy that could drift")
    func rootIsTheServedFile() throws {
        let root = Self.repository.appendingPathComponent("openapi.yaml").path
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: root)
        #expect(target == "Sources/HeraldHTTP/openapi.yaml")
        let resolved = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        #expect(resolved == Self.repository.appendingPathComponent("Sources/HeraldHTTP/openapi.yaml").resolvingSymlinksInPath().path)
    }
}
