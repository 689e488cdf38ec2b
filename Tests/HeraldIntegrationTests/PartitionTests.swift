import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

@Suite("Partitioned channels")
struct PartitionTests {
    @Test("a backlog in every partition is drained fairly: the first sends come from all partitions, not one at a time")
    func fairConsumption() async throws {
        var options = HarnessOptions()
        options.partitions = 8
        options.startDispatcher = false
        options.callbackStatuses = []
        try await withHarness(options) { h in
            var ids: [String] = []
            for batch in 0..<4 {
                let items = (0..<200).map { index in
                    #"{"channel":"sms","to":"+1415556\#(String(format: "%04d", batch * 200 + index))","content":{"body":"fair"}}"#
                }
                let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":["# + items.joined(separator: ",") + "]}")
                ids += try #require(reply.json["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            }
            #expect(ids.count == 800)
            let partitionOf = Dictionary(uniqueKeysWithValues: ids.map { ($0, MessageID.parse($0)?.partition ?? -1) })
            #expect(Set(partitionOf.values) == Set(0..<8), "ids name their partitions")
            h.startDispatcher(consumer: "fair")
            for id in ids { try await h.waitForStatus(id, "sent", timeout: .seconds(60)) }
            var sent: [(at: Int64, partition: Int)] = []
            for id in ids {
                let at = try #require(try await h.message(id).fields["sent_at"].flatMap(Int64.init))
                sent.append((at, partitionOf[id]!))
            }
            let first = sent.sorted { $0.at < $1.at }.prefix(160)
            var counts = [Int](repeating: 0, count: 8)
            for send in first { counts[send.partition] += 1 }
            // Each partition holds about 100 of the 800; drained one after another, the first
            // 160 sends would come from two partitions. Fairly, about 20 from each.
            #expect(counts.allSatisfy { $0 >= 5 }, "first 160 sends by partition: \(counts)")
        }
    }
}
