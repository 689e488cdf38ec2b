import ArgumentParser
import Foundation
import HeraldCore
import HeraldRedis
import Logging

/// `herald keys`: API keys from the command line, above all the first admin
/// key of a deployment, before any key exists to call `POST /v1/keys` with.
/// Each change is audited under the actor `cli`.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys with scopes.",
        subcommands: [Create.self, List.self, Revoke.self])

    static func store(_ options: GatewayOptions) async throws -> (KeyStore, any RedisCommands) {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        let config = try await HeraldConfiguration.load(file: options.config)
        let redis = try await CommandLineRedis.connect(
            config, purpose: "keys live in the deployment's Redis (the local sandbox needs none)")
        return (KeyStore(redis: redis, audit: try config.audit()), redis)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print its secret (shown this once).")
        @OptionGroup var options: GatewayOptions
        @Option(help: "Who the key is for, e.g. order-service.") var name: String
        @Option(help: "Comma-separated scopes: \(Scope.allCases.map(\.rawValue).joined(separator: ", ")).")
        var scopes: String
        @Option(help: "Comma-separated channels it may send on (default: all).") var channels: String?
        @Option(help: "Its own limit, requests a second across all instances.") var ratePerSecond: Int?
        @Option(help: "When it stops working, RFC 3339 (e.g. 2027-06-30T00:00:00Z).") var expiresAt: String?

        func run() async throws {
            let (store, redis) = try await KeysCommand.store(options)
            defer { redis.close() }
            let draft = APIKeyDraft(
                name: name, scopes: Self.list(scopes), ratePerSecond: ratePerSecond, channels: channels.map(Self.list),
                expiresAt: expiresAt)
            let token = APIKeyToken.generate()
            let key: APIKey
            do {
                key = try draft.key(token: token, createdBy: AuditActor.commandLine.id, nowMillis: WallClock.nowMillis())
            } catch {
                throw ValidationError(error.message)
            }
            guard try await store.create(key, by: .commandLine) else { throw ValidationError("key id taken; run again") }
            print("id      \(key.id)")
            print("scopes  \(key.scopes.sorted().map(\.rawValue).joined(separator: ","))")
            print("secret  \(token.secret)")
            print("The secret is shown this once; Herald keeps only its hash.")
        }

        static func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let (store, redis) = try await KeysCommand.store(options)
            defer { redis.close() }
            let now = WallClock.nowMillis()
            for key in try await store.all() {
                print("\(key.id)  \(key.isExpired(nowMillis: now) ? "expired  " : "")\(key.summary)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: every instance refuses it within a second.")
        @OptionGroup var options: GatewayOptions
        @Argument(help: "The key's id.") var id: String

        func run() async throws {
            let (store, redis) = try await KeysCommand.store(options)
            defer { redis.close() }
            guard APIKeyToken.isID(id), try await store.revoke(id, by: .commandLine) else {
                print("no key \(id)")
                throw ExitCode(1)
            }
            print("revoked \(id)")
        }
    }
}
