import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// The production `herald` executable: the gateway (`serve`, or `api` and
/// `worker` apart to scale each half), the doctor, and the operator's
/// commands (`keys`, `partitions`). Load tools are in `herald-bench`.
@main
struct HeraldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald message gateway: queue in Redis, deliver by SMS, email, push, WeChat and webhooks.",
        subcommands: [
            ServeCommand.self, APICommand.self, WorkerCommand.self, DoctorCommand.self, PartitionsCommand.self, KeysCommand.self,
        ],
        defaultSubcommand: ServeCommand.self)

    /// Runs Swift concurrency on NIO's event loops: HTTP handlers, provider
    /// calls and Redis continuations then resume on the loop that owns their
    /// socket instead of hopping to a separate cooperative pool and back.
    static func main() async {
        do {
            if let loops = try EventLoopCount.configured(ProcessInfo.processInfo.environment) {
                NIOSingletons.groupLoopCountSuggestion = loops
            }
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that run the gateway.
struct GatewayOptions: ParsableArguments {
    @Option(name: .long, help: "KEY=value configuration file (default: ./herald.conf when present, or $HERALD_CONFIG).")
    var config: String?
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the API and the dispatcher. With nothing configured: a private redis-server and the simulators.")
    @OptionGroup var options: GatewayOptions

    func run() async throws { try await Gateway.run(role: .all, configPath: options.config) }
}

struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "Run the HTTP API only.")
    @OptionGroup var options: GatewayOptions

    func run() async throws { try await Gateway.run(role: .api, configPath: options.config) }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Run the dispatcher only.")
    @OptionGroup var options: GatewayOptions

    func run() async throws { try await Gateway.run(role: .worker, configPath: options.config) }
}
