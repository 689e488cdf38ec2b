import Foundation
import HeraldCore
@testable import HeraldHTTP
import HeraldMetrics
import HeraldRedis
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The router's authorization, in process through HummingbirdTesting, on a
/// real redis-server: every `/v1` route has its scope, and the middleware
/// answers as the contract says before any handler runs.
@Suite("Routes and scopes")
struct AuthorizationRouteTests {
    static func withAPI(_ body: (HeraldAPI, any RedisCommands) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "herald-http-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        let redis = RedisClient(endpoint: server.endpoint)
        defer {
            redis.close()
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await redis.preload(Scripts.all)
        let api = HeraldAPI(
            store: MessageStore(redis: redis, settings: StoreSettings()),
            configuration: APIConfiguration(apiKeys: ["flat-key"], publicURL: "http://127.0.0.1:1"), metrics: HeraldMetrics())
        try await body(api, redis)
    }

    @Test("every /v1 route the router serves, but the providers' signed posts, has its scope in RouteScopes")
    func everyRouteHasAScope() async throws {
        try await Self.withAPI { api, _ in
            let routes = api.router().routes.filter {
                $0.path.description.hasPrefix("/v1/") && !$0.path.description.hasPrefix("/v1/receipts/")
                    && !$0.path.description.hasPrefix("/v1/inbound/")
            }
            #expect(routes.count >= 23)
            for route in routes {
                let key = route.method.rawValue + " " + route.path.description
                #expect(RouteScopes.table[key] != nil, "\(key) has no scope: it would need admin")
            }
        }
    }

    @Test("no bearer is 401; a key without the route's scope is 403 naming it; with the scope the handler runs")
    func scopesAtTheDoor() async throws {
        try await Self.withAPI { api, redis in
            let token = APIKeyToken.generate()
            let key = try APIKeyDraft(name: "reader", scopes: ["read"]).key(token: token, createdBy: "test", nowMillis: 0)
            #expect(try await KeyStore(redis: redis).create(key, by: .commandLine))
            let app = Application(router: api.router())
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/stats", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
                let bearer: HTTPFields = [.authorization: "Bearer " + token.secret]
                try await client.execute(uri: "/v1/stats", method: .get, headers: bearer) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/v1/messages", method: .post, headers: bearer) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains(#""field":"send""#))
                }
                try await client.execute(uri: "/v1/keys", method: .get, headers: bearer) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains(#""field":"admin""#))
                }
            }
        }
    }
}
