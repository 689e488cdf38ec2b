import HeraldCore
import HeraldRedis

/// Replaces the URLs of SMS bodies with short links that carry their
/// message's id, so each click is attributed to the message. Links already
/// on the short domain are left alone.
struct LinkShortener: Sendable {
    let store: LinkStore
    /// `https://hrld.example/s/`: what a code is appended to.
    let base: String
    /// Gives a message its id (and so its partition) before it is enqueued.
    let ids: MessageStore
    /// The links of concurrent single-message requests, created in shared pipelined calls.
    private let coalesced: CallCoalescer<[(url: String, messageID: String)], [String]>

    init(store: LinkStore, base: String, ids: MessageStore) {
        self.store = store
        self.ids = ids
        self.base = base
        coalesced = CallCoalescer { requests in
            let codes = try await store.create(requests.flatMap { $0 }, nowMillis: WallClock.nowMillis())
            var rest = codes[...]
            return requests.map { request in
                defer { rest = rest.dropFirst(request.count) }
                return Array(rest.prefix(request.count))
            }
        }
    }

    func shortURL(_ code: String) -> String { base + code }

    /// Shortens one message (`POST /v1/messages`); its links share a pipelined
    /// call with those of concurrent requests.
    func shorten(_ message: inout NewMessage, nowMillis: Int64) async throws {
        var one = [message]
        try await shorten(&one, nowMillis: nowMillis, coalesce: true)
        message = one[0]
    }

    /// Shortens every message that asks for it, giving each an id first; all
    /// the links of all the messages are created in one pipelined call.
    func shorten(_ messages: inout [NewMessage], nowMillis: Int64, coalesce: Bool = false) async throws {
        var found: [(message: Int, ranges: [Range<String.Index>])] = []
        var urls: [(url: String, messageID: String)] = []
        for index in messages.indices where messages[index].shortenLinks {
            let body = messages[index].content.body
            let ranges = LinkFinder.urls(in: body).filter { !body[$0].hasPrefix(base) }
            guard !ranges.isEmpty else { continue }
            let id = messages[index].presetID ?? ids.newID(for: messages[index], nowMillis: nowMillis)
            messages[index].presetID = id
            found.append((index, ranges))
            urls += ranges.map { (String(body[$0]), id) }
        }
        guard !urls.isEmpty else { return }
        var codes = try await (coalesce ? coalesced.submit(urls) : store.create(urls, nowMillis: nowMillis))[...]
        for (index, ranges) in found {
            let body = messages[index].content.body
            var shortened = ""
            var cursor = body.startIndex
            for range in ranges {
                shortened += body[cursor..<range.lowerBound]
                shortened += shortURL(codes.removeFirst())
                cursor = range.upperBound
            }
            shortened += body[cursor...]
            messages[index].content.body = shortened
        }
    }
}
