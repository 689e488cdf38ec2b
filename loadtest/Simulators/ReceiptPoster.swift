import AsyncHTTPClient
import Foundation
import NIOCore

/// Posts receipts back to Herald as a provider would: up to five tries with a
/// doubling pause on 5xx, a timeout or a dropped connection, counted in the ledger.
struct ReceiptPoster: Sendable {
    let client: HTTPClient
    let ledger: SimulatorLedger

    func post(url: String, contentType: String, body: String, headers: [(String, String)] = []) async {
        if let components = URLComponents(string: url), components.scheme == "http",
           let host = components.host, host == "127.0.0.1" || host == "localhost", let port = components.port
        {
            let poster = LoopbackHTTPPoster.shared(host: host, port: port)
            let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            await deliver {
                try await poster.post(target: target, contentType: contentType, headers: headers, body: body)
            }
            return
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        await deliver { [client, request] in
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            return response.status.code
        }
    }

    /// Tries `send` (which answers the HTTP status) until a 2xx, a 4xx or the
    /// fifth attempt, and counts the result in the ledger.
    private func deliver(_ send: () async throws -> UInt) async {
        for attempt in 1...5 {
            do {
                let status = try await send()
                if (200..<300).contains(status) {
                    ledger.callback(succeeded: true)
                    return
                }
                if status < 500 { break }
            } catch {
                if attempt == 5 { break }
            }
            try? await Task.sleep(for: .milliseconds(200 << attempt))
        }
        ledger.callback(succeeded: false)
    }

    /// Runs `post` after `delay` without holding up the caller's reply.
    func later(_ delay: Duration, _ post: @escaping @Sendable () async -> Void) {
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            await post()
        }
    }
}
