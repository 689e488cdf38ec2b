import ArgumentParser

/// The one `herald` executable: the gateway (`serve`, or `api` and `worker`
/// apart to scale each half), the provider simulators, and the load generator.
@main
struct HeraldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald message gateway: queue in Redis, deliver by SMS, email, push, WeChat and webhooks.",
        subcommands: [ServeCommand.self, APICommand.self, WorkerCommand.self, SimulateCommand.self, LoadtestCommand.self],
        defaultSubcommand: ServeCommand.self)
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
