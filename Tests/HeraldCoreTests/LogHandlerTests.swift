import HeraldLogging
import Logging
import Synchronization
import Testing

@Suite("Log lines")
struct LogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        func append(_ line: String) { written.withLock { $0.append(line) } }
    }

    @Test("a written line carries level, label, sorted metadata and source, with phone numbers and addresses masked")
    func writesMaskedLines() throws {
        let lines = Lines()
        var logger = Logger(label: "herald-test") { label in
            HeraldLogHandler(label: label, level: .info, write: lines.append)
        }
        logger[metadataKey: "to"] = "+8613800138000"
        logger[metadataKey: "attempt"] = "2"
        logger.info("provider refused alice@example.com", metadata: ["provider": "twilio"])
        logger.debug("below the level: not written")
        let written = lines.written.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.contains(" info herald-test: attempt=2 provider=twilio to=+86*********00 ["))
        #expect(line.hasSuffix("] provider refused a***@example.com\n"))
        #expect(!line.contains("13800138000") && !line.contains("alice@"))
    }
}
