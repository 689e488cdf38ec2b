import Histogram

/// Percentiles of a set of latencies, from an HdrHistogram (3 significant digits).
public struct LatencySummary: Sendable, CustomStringConvertible {
    public var count: UInt64
    public var p50: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    /// The unit the values are in ("ms").
    public var unit: String

    init(values: [UInt64], scale: Double, unit: String) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for value in values { _ = histogram.record(Swift.max(1, value)) }
        count = histogram.totalCount
        p50 = Double(histogram.valueAtPercentile(50)) * scale
        p99 = Double(histogram.valueAtPercentile(99)) * scale
        p999 = Double(histogram.valueAtPercentile(99.9)) * scale
        max = Double(histogram.max) * scale
        self.unit = unit
    }

    public var description: String {
        func format(_ value: Double) -> String {
            let rounded = (value * 100).rounded() / 100
            return "\(rounded)"
        }
        return "p50 \(format(p50)) \(unit)  p99 \(format(p99)) \(unit)  p999 \(format(p999)) \(unit)  max \(format(max)) \(unit)  (n=\(count))"
    }
}
