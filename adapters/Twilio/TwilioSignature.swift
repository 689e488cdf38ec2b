import Crypto
import Foundation
import HeraldCore

/// Twilio's request signature (`X-Twilio-Signature`): base64 of HMAC-SHA1,
/// keyed by the auth token, over the full callback URL followed by every POST
/// parameter's name and value, sorted by name.
public enum TwilioSignature {
    public static func compute(url: String, parameters: [(String, String)], authToken: String) -> String {
        let sorted = parameters.sorted { first, second in
            first.0 == second.0
                ? first.1.utf8.lexicographicallyPrecedes(second.1.utf8)
                : first.0.utf8.lexicographicallyPrecedes(second.0.utf8)
        }
        var signed = Array(url.utf8)
        for (key, value) in sorted {
            signed += key.utf8
            signed += value.utf8
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: signed, using: SymmetricKey(data: Array(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Constant-time comparison of a received signature with the expected one.
    public static func isValid(signature: String, url: String, parameters: [(String, String)], authToken: String) -> Bool {
        ConstantTime.equal(signature, compute(url: url, parameters: parameters, authToken: authToken))
    }
}
