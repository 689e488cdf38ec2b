/// Scheme, host and port of a provider URL, and the request target (path and
/// query) sent on the connection. Connections are pooled per origin.
struct ProviderOrigin: Hashable, Sendable {
    let secure: Bool
    let host: String
    let port: Int

    /// The `Host` header value: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Splits `http(s)://host[:port][/path][?query]`; nil for anything else
    /// (user info, fragments, spaces and other schemes are refused). Works on
    /// the UTF-8 bytes: it runs for every provider call.
    static func parse(_ url: String) -> (origin: ProviderOrigin, target: String)? {
        let bytes = Array(url.utf8)
        let secure: Bool
        var index: Int
        if bytes.starts(with: "https://".utf8) {
            secure = true
            index = 8
        } else if bytes.starts(with: "http://".utf8) {
            secure = false
            index = 7
        } else {
            return nil
        }
        let authorityStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?") { index += 1 }
        let authority = bytes[authorityStart..<index]
        let targetBytes = bytes[index...]
        guard !authority.isEmpty, !authority.contains(UInt8(ascii: "@")),
              !targetBytes.contains(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: " ") || $0 < 0x20 })
        else { return nil }
        var target = String(decoding: targetBytes, as: UTF8.self)
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        var hostBytes = authority
        var port = secure ? 443 : 80
        var portBytes: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostBytes = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return nil }
                portBytes = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            hostBytes = authority[..<colon]
            portBytes = authority[(colon + 1)...]
        }
        if let portBytes {
            guard let parsed = Int(String(decoding: portBytes, as: UTF8.self)) else { return nil }
            port = parsed
        }
        guard !hostBytes.isEmpty, (1...65_535).contains(port) else { return nil }
        return (ProviderOrigin(secure: secure, host: String(decoding: hostBytes, as: UTF8.self), port: port), target)
    }
}
