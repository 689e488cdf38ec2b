import HeraldCore
import Synchronization

/// The hash tag of a channel partition, chosen so a channel's partitions are
/// spread evenly over the cluster's slots whatever their count.
///
/// Plain tags (`sms:01` … `sms:15`) land where CRC16 puts them: for 16 SMS
/// partitions on three masters that is 4, 5 and 7, one master doing almost
/// twice another's work. Instead partition k aims at the slot
/// `slot(channel) + vdc(k) × 16384`, where vdc is the van der Corput sequence
/// (0, ½, ¼, ¾, ⅛, …): the first P targets of any P are evenly spaced when P
/// is a power of two, and close to it otherwise. The tag is `sms:07`, or
/// `sms:07~n` with the smallest n whose slot falls within `window` slots of
/// the target. Partition 0 is the channel's own tag (`sms`), the layout of a
/// single partition. Tags depend only on channel and partition, never on the
/// partition count, so adding partitions moves nothing already queued.
public enum PartitionTag {
    /// How close to its target a partition's slot must be.
    static let window = 16
    private static let cache = Mutex<[String: String]>([:])

    public static func of(_ channel: Channel, partition: Int) -> String {
        guard partition > 0 else { return channel.rawValue }
        let name = channel.rawValue + ":" + (partition < 10 ? "0" : "") + String(partition)
        if let known = cache.withLock({ $0[name] }) { return known }
        let target = (HashSlot.of(channel.rawValue) + Int(vanDerCorput(partition) * Double(HashSlot.count))) % HashSlot.count
        var salt = 0
        var tag = name
        while distance(HashSlot.of(tag), target) > window {
            salt += 1
            tag = name + "~" + String(salt, radix: 36)
        }
        cache.withLock { $0[name] = tag }
        return tag
    }

    /// The k-th point of the base-2 van der Corput sequence: k's binary digits mirrored after the point.
    static func vanDerCorput(_ k: Int) -> Double {
        var k = k
        var value = 0.0
        var base = 0.5
        while k > 0 {
            if k & 1 == 1 { value += base }
            k >>= 1
            base /= 2
        }
        return value
    }

    private static func distance(_ slot: Int, _ target: Int) -> Int {
        let gap = abs(slot - target)
        return min(gap, HashSlot.count - gap)
    }
}
