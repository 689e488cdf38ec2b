import Crypto
import Foundation
import HeraldCore

/// WeChat's server signature: `sha1` (hex) of the token, timestamp and nonce
/// sorted as strings and concatenated. It authenticates event pushes and the
/// `echostr` handshake.
public enum WeChatSignature {
    public static func compute(token: String, timestamp: String, nonce: String) -> String {
        let joined = [token, timestamp, nonce].sorted().joined()
        return Insecure.SHA1.hash(data: Data(joined.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func isValid(signature: String, token: String, timestamp: String, nonce: String) -> Bool {
        ConstantTime.equal(signature.lowercased(), compute(token: token, timestamp: timestamp, nonce: nonce))
    }
}
