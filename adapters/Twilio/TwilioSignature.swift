import Crypto
import Foundation
import HeraldCore

/// Twilio's request signature (`X-Twilio-Signature`): base64 of HMAC-SHA1,
/// keyed by the auth token, over the full callback URL followed by every POST
/// parameter's name and value, sorted by name.
public enum TwilioSignature {
    public static func compute(url: String, parameters: [(String, String)], authToken: String) -> String {
        var data = url
        for (key, value) in parameters.sorted(by: { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }) {
            data += key + value
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(data.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Constant-time comparison of a received signature with the expected one.
    public static func isValid(signature: String, url: String, parameters: [(String, String)], authToken: String) -> Bool {
        ConstantTime.equal(signature, compute(url: url, parameters: parameters, authToken: authToken))
    }
}
