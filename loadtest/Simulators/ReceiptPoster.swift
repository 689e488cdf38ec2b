import HeraldProviders
import NIOCore

/// Posts receipts back to Herald as a provider would: up to five tries with a
/// doubling pause on 5xx, a timeout or a dropped connection, counted in the ledger.
public struct ReceiptPoster: Sendable {
    let client: ProviderHTTPClient
    let ledger: SimulatorLedger

    public init(client: ProviderHTTPClient, ledger: SimulatorLedger) {
        self.client = client
        self.ledger = ledger
    }

    public func post(url: String, contentType: String, body: String, headers: [(String, String)] = []) async {
        var request = ProviderRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = ByteBuffer(string: body)
        for attempt in 1...5 {
            do {
                let status = try await client.execute(request).status
                if (200..<300).contains(status) {
                    ledger.callback(succeeded: true)
                    return
                }
                if status < 500 { break }
            } catch {
                if attempt == 5 { break }
            }
            await LoopSleep.sleep(for: .milliseconds(200 << attempt))
        }
        ledger.callback(succeeded: false)
    }

    /// Runs `post` after `delay` without holding up the caller's reply.
    public func later(_ delay: Duration, _ post: @escaping @Sendable () async -> Void) {
        Task {
            await LoopSleep.sleep(for: delay)
            await post()
        }
    }
}
