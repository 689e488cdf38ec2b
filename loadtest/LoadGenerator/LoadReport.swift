/// The figures of one load run, as recorded in BENCHMARKS.md.
public struct LoadReport: Sendable, CustomStringConvertible {
    public var plan: LoadPlan
    public var requests: Int
    public var accepted: Int
    public var httpErrors: Int
    public var statusCounts: [Int: Int]
    /// Messages resent because Herald said they were not stored.
    public var resent = 0
    /// Messages whose storing Herald could not confirm either way (504 / `outcome_unknown`).
    public var unknown = 0
    public var sendSeconds: Double
    /// Accepted messages per second, over the sending phase.
    public var acceptedPerSecond: Double
    /// Request latency (due → response), per HTTP request.
    public var requestLatency: LatencySummary
    public var delivery: DeliveryReport?

    public var description: String {
        var lines = [
            "mode \(plan.mode.rawValue), \(plan.messages) messages, \(plan.connections) connections"
                + (plan.rate > 0 ? ", target \(Int(plan.rate))/s" : ", flat out")
                + (plan.mode == .batch ? ", \(plan.batchSize) per batch" : "")
                + (plan.mix == .smsOnly ? "" : ", mix \(plan.mix)"),
            "requests \(requests), accepted \(accepted), http errors \(httpErrors), statuses \(statusCounts.sorted { $0.key < $1.key })",
            "resent \(resent), outcome unknown \(unknown)",
            "accepted/s   \(Int(acceptedPerSecond.rounded()))   (\(round2(sendSeconds)) s)",
            "request latency  \(requestLatency)",
        ]
        if let delivery { lines.append(delivery.description) }
        return lines.joined(separator: "\n")
    }
}

func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
