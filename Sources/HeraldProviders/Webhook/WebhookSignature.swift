import Crypto
import Foundation
import HeraldCore

/// The signature on every webhook and status-event POST Herald sends: header
/// `Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
/// The timestamp is inside the MAC, so a receiver that checks it against its
/// clock rejects replays of an old delivery.
public enum WebhookSignature {
    public static let headerName = "Herald-Signature"

    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(mac(secret: secret, timestamp: timestamp, body: body))"
    }

    public static func mac(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// Verifies a received header: valid MAC and a timestamp within `toleranceSeconds` of `now`.
    public static func verify(
        header: String, body: [UInt8], secret: String, nowSeconds: Int64, toleranceSeconds: Int64 = 300
    ) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(String(pair[1])) }
        }
        guard let timestamp, abs(nowSeconds - timestamp) <= toleranceSeconds else { return false }
        let expected = mac(secret: secret, timestamp: timestamp, body: body)
        return signatures.contains { ConstantTime.equal($0, expected) }
    }
}
