import Crypto
import Foundation
import HeraldCore

/// Alibaba Cloud's RPC signature (version 1.0, HMAC-SHA1): parameters sorted
/// by name, RFC 3986-encoded into a canonical query, then
/// `Base64(HMAC-SHA1(secret + "&", method + "&%2F&" + encode(query)))`.
/// The simulator checks requests with the same code path, so both sides
/// follow the documented algorithm.
public enum AliyunSignature {
    public static func sign(method: String, parameters: [(String, String)], secret: String) -> String {
        let canonical = parameters.sorted { $0.0 < $1.0 }
            .map { FormURLEncoding.escape($0.0) + "=" + FormURLEncoding.escape($0.1) }
            .joined(separator: "&")
        let stringToSign = method + "&" + FormURLEncoding.escape("/") + "&" + FormURLEncoding.escape(canonical)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(stringToSign.utf8), using: SymmetricKey(data: Data((secret + "&").utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Checks a request's `Signature` parameter against the rest.
    public static func isValid(method: String, parameters: [(String, String)], secret: String) -> Bool {
        guard let given = parameters.first(where: { $0.0 == "Signature" })?.1 else { return false }
        let expected = sign(method: method, parameters: parameters.filter { $0.0 != "Signature" }, secret: secret)
        return ConstantTime.equal(given, expected)
    }
}
