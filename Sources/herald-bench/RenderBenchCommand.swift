import ArgumentParser
import HeraldCore
import HeraldTemplates

/// `herald-bench render-bench`: what rendering a typical SMS template costs per
/// message on this machine (the compiled version from the cache, rendered with
/// fresh data each time), as `loadtest/render.sh` reports it.
struct RenderBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-bench", abstract: "Measure the cost of rendering an SMS template (a benchmark).")

    @Option(help: "Renders per round.") var renders = 200_000
    @Option(help: "Rounds; the median is reported.") var rounds = 5

    func run() async throws {
        let template = MessageTemplate(
            name: "order_shipped", version: 1, channel: .sms,
            locales: [
                "default": TemplateVariant(
                    body: "{{name}}, your order {{order}} has shipped. Track it: https://shop.example.com/orders/{{order}}",
                    signature: "【Shop】"),
                "zh": TemplateVariant(body: "{{name}}，您的订单 {{order}} 已发货。", signature: "【商店】"),
            ],
            required: ["name", "order"], shortenLinks: true, createdAtMillis: 0)
        let cache = TemplateCache()
        let clock = ContinuousClock()
        var perRender: [Double] = []
        var checksum = 0
        for _ in 0..<max(1, rounds) {
            let started = clock.now
            for index in 0..<max(1, renders) {
                let data: [String: JSONValue] = ["name": .string("Customer \(index)"), "order": .string("A-\(index)")]
                let rendered = try cache.compiled(template).render(locale: "en-GB", data: data)
                checksum &+= rendered.content.body.utf8.count
            }
            let elapsed = clock.now - started
            let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            perRender.append(nanos / Double(max(1, renders)) / 1_000)
        }
        let sorted = perRender.sorted()
        print("render: median \(String(format: "%.2f", sorted[sorted.count / 2])) µs per message over \(rounds) rounds of "
            + "\(renders) (rounds: \(perRender.map { String(format: "%.2f", $0) }.joined(separator: ", ")); checksum \(checksum))")
    }
}
