import Crypto

/// Umeng's request signature (关于签名): `sign` is the lowercase hex MD5 of
/// `"POST"` + the URL without its query (scheme, host and path, exactly as
/// posted to) + the body's exact bytes + the App Master Secret, and travels as
/// `?sign=`. The body is serialized once, and those same bytes are signed and
/// sent: a re-serialization that reorders a key breaks the signature.
/// MD5 is Umeng's choice, not a security property Herald relies on.
public enum UmengSignature {
    /// The `sign` query value for a request of `method` to `url` carrying `body`.
    public static func sign(method: String = "POST", url: String, body: [UInt8], masterSecret: String) -> String {
        var input = Array(method.utf8)
        input += Array(url.utf8)
        input += body
        input += Array(masterSecret.utf8)
        return Insecure.MD5.hash(data: input).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Whether `sign` is the signature of the request; compared in constant time.
    public static func isValid(_ sign: String, method: String = "POST", url: String, body: [UInt8], masterSecret: String)
        -> Bool
    {
        let expected = Array(self.sign(method: method, url: url, body: body, masterSecret: masterSecret).utf8)
        let given = Array(sign.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
