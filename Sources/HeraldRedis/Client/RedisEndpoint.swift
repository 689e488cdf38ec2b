/// Where Redis is and how to log in: parsed from `redis://[:password@]host[:port][/db]`,
/// `rediss://…[?ca_file=/path/ca.pem]` (TLS, verified against the system's
/// trust roots or the given CA), or `unix:///path/to/redis.sock[?db=N]` (a
/// local socket is markedly cheaper per round trip).
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var address: Address
    public var password: String?
    public var username: String?
    public var database: Int
    /// TLS for a `rediss://` endpoint; nil for plain TCP or a Unix socket.
    public var tls: TLS?

    /// How a TLS connection verifies the server: the certificate chain (against
    /// `caFile`, or the system's roots) and the host name or IP address.
    public struct TLS: Sendable, Equatable {
        public var caFile: String?

        public init(caFile: String? = nil) {
            self.caFile = caFile
        }
    }

    public init(address: Address, username: String? = nil, password: String? = nil, database: Int = 0, tls: TLS? = nil) {
        self.tls = tls
        self.address = address
        self.username = username
        self.password = password
        self.database = database
    }

    public init(url: String) throws(RedisError) {
        if url.hasPrefix("unix://") {
            var path = String(url.dropFirst("unix://".count))
            var database = 0
            if let query = path.firstIndex(of: "?") {
                let params = path[path.index(after: query)...]
                path = String(path[..<query])
                for pair in params.split(separator: "&") where pair.hasPrefix("db=") {
                    database = Int(pair.dropFirst(3)) ?? 0
                }
            }
            guard !path.isEmpty else { throw .connectionFailed("unix socket URL without a path") }
            self.init(address: .unix(path: path), database: database)
            return
        }
        let secure = url.hasPrefix("rediss://")
        guard secure || url.hasPrefix("redis://") else {
            throw .connectionFailed("unsupported Redis URL scheme (use redis://, rediss:// or unix://)")
        }
        var rest = Substring(url.dropFirst(secure ? "rediss://".count : "redis://".count))
        var tls: TLS? = secure ? TLS() : nil
        if let query = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: query)...].split(separator: "&") {
                guard pair.hasPrefix("ca_file="), secure else {
                    throw .connectionFailed("unknown Redis URL parameter '\(pair.prefix(32))' (rediss:// takes ca_file=)")
                }
                tls?.caFile = String(pair.dropFirst("ca_file=".count))
            }
            rest = rest[..<query]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = credentials[..<colon]
                username = user.isEmpty ? nil : String(user)
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            if !db.isEmpty {
                guard let number = Int(db), number >= 0 else { throw .connectionFailed("invalid database in Redis URL") }
                database = number
            }
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw .connectionFailed("invalid port in Redis URL")
            }
            port = parsed
            host = String(rest[..<colon])
        }
        if host.isEmpty { host = "127.0.0.1" }
        self.init(address: .tcp(host: host, port: port), username: username, password: password, database: database,
                  tls: tls)
    }

    /// Host and port or socket path; never the password.
    public var description: String {
        switch address {
        case .tcp(let host, let port): "\(tls == nil ? "redis" : "rediss")://\(host):\(port)/\(database)"
        case .unix(let path): "unix://\(path)?db=\(database)"
        }
    }
}
