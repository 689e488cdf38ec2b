import Foundation

/// Compact JWS serialisation (RFC 7515) of the tokens providers want: FCM's
/// RS256 service-account assertion and APNs' ES256 provider token. The
/// signature algorithm is the caller's; this only assembles and splits.
public enum JSONWebToken {
    /// `base64url(header).base64url(claims).base64url(sign(signing input))`.
    public static func compact(headerJSON: String, claimsJSON: String, sign: (Data) throws -> Data) rethrows -> String {
        let input = Base64URL.encode(Data(headerJSON.utf8)) + "." + Base64URL.encode(Data(claimsJSON.utf8))
        return input + "." + Base64URL.encode(try sign(Data(input.utf8)))
    }

    /// The parts of a compact token: header and claims as JSON objects, the
    /// signing input and the signature; nil when it is not a well-formed JWS.
    public static func split(_ token: String)
        -> (header: [String: Any], claims: [String: Any], signingInput: Data, signature: Data)?
    {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64URL.decode(String(parts[0])),
              let claims = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2])),
              let headerObject = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
              let claimsObject = try? JSONSerialization.jsonObject(with: claims) as? [String: Any]
        else { return nil }
        return (headerObject, claimsObject, Data((parts[0] + "." + parts[1]).utf8), signature)
    }
}
