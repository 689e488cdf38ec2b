import ArgumentParser
import NIOCore
import NIOPosix

/// `herald-bench`: what measures Herald rather than runs it. The load
/// generator, the provider simulators as their own process, the NIO floor and
/// the template render benchmark live here, so the production `herald`
/// binary links none of them.
@main
struct HeraldBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald-bench",
        abstract: "Load, simulate and measure a Herald: the tools of loadtest/ and the fault scripts.",
        subcommands: [LoadtestCommand.self, SimulateCommand.self, FloorCommand.self, RenderBenchCommand.self,
                      EventsDrainCommand.self])

    /// The same executor as `herald`'s: a benchmark measures what production runs.
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
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
