import HeraldCore

/// Which channel each message of a load run goes to: weights per channel,
/// spread evenly over the message indexes (`sms:40,email:30,push:20,wechat:10`
/// sends 4 SMS, 3 emails, 2 pushes and 1 WeChat message of every 10).
public struct ChannelMix: Sendable, Equatable, CustomStringConvertible {
    public let weights: [(channel: Channel, weight: Int)]
    /// Channel of index `i % total`, precomputed.
    private let slots: [Channel]

    public init(_ weights: [(channel: Channel, weight: Int)]) {
        self.weights = weights
        var slots: [Channel] = []
        let total = weights.map(\.weight).reduce(0, +)
        // Interleave rather than block: index i takes the channel furthest behind its share.
        var given: [Int] = weights.map { _ in 0 }
        for index in 0..<max(total, 1) {
            let next = weights.indices.max { a, b in
                Double(weights[a].weight) * Double(index + 1) / Double(total) - Double(given[a])
                    < Double(weights[b].weight) * Double(index + 1) / Double(total) - Double(given[b])
            } ?? 0
            given[next] += 1
            slots.append(weights.isEmpty ? .sms : weights[next].channel)
        }
        self.slots = slots
    }

    public static let smsOnly = ChannelMix([(.sms, 1)])

    /// Parses `sms:40,email:30,…`; nil when malformed.
    public init?(parsing text: String) {
        var weights: [(channel: Channel, weight: Int)] = []
        for item in text.split(separator: ",") {
            let pair = item.split(separator: ":")
            guard pair.count == 2, let channel = Channel(rawValue: String(pair[0])), channel != .webhook,
                  let weight = Int(pair[1]), weight > 0, weight <= 1_000
            else { return nil }
            weights.append((channel, weight))
        }
        guard !weights.isEmpty else { return nil }
        self.init(weights)
    }

    public func channel(_ index: Int) -> Channel { slots[index % slots.count] }

    public var description: String { weights.map { "\($0.channel.rawValue):\($0.weight)" }.joined(separator: ",") }

    public static func == (lhs: ChannelMix, rhs: ChannelMix) -> Bool { lhs.description == rhs.description }
}
