import ArgumentParser
import HeraldLoadGenerator

/// `herald-bench floor`: the cheapest HTTP server SwiftNIO makes, for measuring what
/// one HTTP exchange costs on this machine at the least (`loadtest/floor.sh`).
struct FloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor", abstract: "Serve a fixed 202 reply to every request on loopback (a benchmark floor).")

    @Option(help: "Port to listen on (loopback only).") var port = 18090

    func run() async throws {
        try await HTTPFloorServer.run(host: "127.0.0.1", port: port)
    }
}
