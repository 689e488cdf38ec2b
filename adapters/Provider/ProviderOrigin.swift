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
    /// (user info, fragments and other schemes are refused).
    static func parse(_ url: String) -> (origin: ProviderOrigin, target: String)? {
        let secure: Bool
        let rest: Substring
        if url.hasPrefix("https://") {
            secure = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            secure = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains("#"),
              !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" })
        else { return nil }
        var host = authority
        var port = secure ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let parsed = Int(after.dropFirst()) else { return nil }
                port = parsed
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let parsed = Int(authority[authority.index(after: colon)...]) else { return nil }
            host = authority[..<colon]
            port = parsed
        }
        guard !host.isEmpty, (1...65_535).contains(port) else { return nil }
        return (ProviderOrigin(secure: secure, host: String(host), port: port), target)
    }
}
