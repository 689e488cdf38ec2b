import Foundation
import HeraldCore
import HeraldRedis

/// The tests' calls on campaigns.
extension Harness {
    /// Creates a campaign from its JSON definition; fails the test unless it is created.
    public func createCampaign(_ json: String) async throws {
        let reply = try await api(.POST, "/v1/campaigns", json: json)
        guard reply.status == 201 else { throw HarnessError("campaign not created: \(reply.status) \(reply.body)") }
    }

    /// Adds recipients as `text/csv`.
    public func addRecipientsCSV(_ id: String, _ csv: String, base: String? = nil) async throws -> Reply {
        try await request(.POST, (base ?? apiURL) + "/v1/campaigns/\(id)/recipients", body: csv,
                          headers: [("Authorization", "Bearer test-key"), ("Content-Type", "text/csv")])
    }

    /// `POST /v1/campaigns/{id}/<action>`.
    public func campaignAction(_ id: String, _ action: String, base: String? = nil) async throws -> Reply {
        try await request(.POST, (base ?? apiURL) + "/v1/campaigns/\(id)/\(action)",
                          headers: [("Authorization", "Bearer test-key")])
    }

    /// `GET /v1/campaigns/{id}`, decoded.
    public func campaign(_ id: String) async throws -> [String: Any] {
        try await api(.GET, "/v1/campaigns/\(id)").json
    }

    /// One of the campaign's counts.
    public func campaignCount(_ id: String, _ name: String) async throws -> Int {
        (try await campaign(id)["counts"] as? [String: Any])?[name] as? Int ?? -1
    }

    /// Waits until the campaign is in `state`.
    public func waitForCampaign(_ id: String, _ state: String, timeout: Duration = .seconds(60)) async throws {
        try await eventually("campaign \(id) is \(state)", timeout: timeout) {
            try await self.campaign(id)["state"] as? String == state
        }
    }
}

extension Harness {
    /// The campaign's stored definition, as the releasers read it.
    public func campaignDefinition(_ id: String) async throws -> CampaignDefinition? {
        try await CampaignStore(redis: redis).record(id: id, nowMillis: WallClock.nowMillis())?.definition
    }
}

extension Harness {
    /// When each message of `campaign` was made (`created_at` ms), read from Redis.
    public func campaignMessageTimes(_ campaign: String) async throws -> [Int64] {
        // SCAN may return a key twice while others are written: each message counts once.
        var keys = Set<String>()
        var cursor = "0"
        repeat {
            let page = try await redis.send(["SCAN", cursor, "MATCH", "herald:*:m:*", "COUNT", "1000"]).orThrow().array
            cursor = page[0].string ?? "0"
            keys.formUnion(page[1].array.compactMap(\.string))
        } while cursor != "0"
        var times: [Int64] = []
        for key in keys {
            let fields = try await redis.send(["HMGET", key, MessageHash.campaign, MessageHash.createdAt]).orThrow().array
            if fields[0].string == campaign, let created = fields[1].string.flatMap({ Int64($0) }) { times.append(created) }
        }
        return times
    }
}
