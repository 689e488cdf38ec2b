import Foundation
import HeraldRedis
import HeraldSimulators

/// A real SMTP server for the email tests: `loadtest/smtp-sink.py` (aiosmtpd)
/// on a free loopback port, with STARTTLS (the simulator certificate) and
/// AUTH, writing what it accepts to a folder.
public final class SMTPServer: Sendable {
    public static let username = "herald"
    public static let password = "smtp-test-password"

    public let port: Int
    public let directory: String
    public let certificateFile: String
    private let process: ChildProcess

    public init() throws {
        directory = NSTemporaryDirectory() + "herald-smtp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        certificateFile = directory + "/cert.pem"
        try SimulatorTLS.certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try SimulatorTLS.privateKeyPEM.write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
        port = try LocalRedisServer.freePort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../loadtest/smtp-sink.py").standardizedFileURL.path
        process = try ChildProcess(
            "/usr/bin/python3",
            arguments: [script, String(port), directory + "/mail", certificateFile, directory + "/key.pem",
                        Self.username, Self.password],
            outputFile: directory + "/sink.log")
    }

    /// Waits until the server accepts connections.
    public func waitUntilReady() async throws {
        try await eventually("the SMTP server listens", timeout: .seconds(15)) {
            guard self.process.isRunning else {
                let log = (try? String(contentsOfFile: self.directory + "/sink.log", encoding: .utf8)) ?? ""
                throw ConditionTimeout(what: "the SMTP server starts (it exited: \(log.suffix(500)))")
            }
            return (try? String(contentsOfFile: self.directory + "/sink.log", encoding: .utf8))?.contains("READY") == true
        }
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// The envelope and Python's parse of the n-th accepted message (1-based), once written.
    public func received(_ number: Int) -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: directory + "/mail/\(number).eml"),
              let data = FileManager.default.contents(atPath: directory + "/mail/\(number).json")
        else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    public var receivedCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/mail")) ?? []).filter { $0.hasSuffix(".eml") }.count
    }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
