import HeraldCore

/// Reads the counters the transition scripts keep (see `herald_stats_add` in
/// lib_events.lua): a hash per channel partition, campaign (or all traffic)
/// and day, whose fields are `<channel>|<template>|<counter>`. A query costs
/// one pipelined HGETALL per partition and day, whatever the number of
/// messages; rows of the partitions are returned side by side for the caller to sum.
public struct StatsStore: Sendable {
    public let redis: any RedisCommands
    public let partitions: ChannelPartitions

    public init(redis: any RedisCommands, partitions: ChannelPartitions = .single) {
        self.redis = redis
        self.partitions = partitions
    }

    /// One counter of one day, channel and template (`-` for literal content).
    public struct Row: Sendable, Equatable {
        public var day: Int
        public var channel: String
        public var template: String
        public var counter: String
        public var value: Int
    }

    static func key(_ keys: ChannelKeys, campaign: String?, variant: String? = nil, day: Int) -> String {
        if let campaign, let variant { return keys.prefix + "stats:v:\(campaign):\(variant):\(day)" }
        return keys.prefix + (campaign.map { "stats:c:\($0):\(day)" } ?? "stats:all:\(day)")
    }

    /// Every counter of `campaign` (nil: all traffic) on `channels` for days
    /// `days` (days since 1970-01-01, UTC).
    public func rows(campaign: String?, variant: String? = nil, channels: [Channel] = Channel.allCases,
                     days: ClosedRange<Int>) async throws -> [Row]
    {
        let partitionKeys = channels.flatMap { ChannelKeys.all($0, partitions) }
        let keys = days.flatMap { day in
            partitionKeys.map { (day, Self.key($0, campaign: campaign, variant: variant, day: day)) }
        }
        let replies = try await redis.pipeline(keys.map { ["HGETALL", $0.1] })
        var rows: [Row] = []
        for ((day, _), reply) in zip(keys, replies) {
            try Self.counters(reply) { channel, template, counter, value in
                rows.append(Row(day: day, channel: String(channel), template: String(template), counter: String(counter),
                                value: value))
            }
        }
        return rows
    }

    /// Each `<channel>|<template>|<counter>` field of a stats hash read by `HGETALL`, with its value.
    static func counters(_ reply: RedisValue, _ each: (Substring, Substring, Substring, Int) -> Void) throws {
        let items = try reply.orThrow().array
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            guard let field = items[index].string, let value = items[index + 1].string.flatMap({ Int($0) }) else { continue }
            let parts = field.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            each(parts[0], parts[1], parts[2], value)
        }
    }

    /// The counters of several variants of `campaign` (nil: the campaign as a
    /// whole) on `channel` over `days`, summed, in one pipelined request.
    public func totals(campaign: String, variants: [String?], channel: Channel, days: ClosedRange<Int>) async throws
        -> [CampaignStats]
    {
        let partitionKeys = ChannelKeys.all(channel, partitions)
        var commands: [[String]] = []
        for variant in variants {
            for day in days {
                for keys in partitionKeys { commands.append(["HGETALL", Self.key(keys, campaign: campaign, variant: variant, day: day)]) }
            }
        }
        let replies = try await redis.pipeline(commands)
        let perVariant = days.count * partitionKeys.count
        var totals = [CampaignStats](repeating: CampaignStats(), count: variants.count)
        for (index, reply) in replies.enumerated() {
            try Self.counters(reply) { _, _, counter, value in totals[index / perVariant].add(String(counter), value) }
        }
        return totals
    }
}
