import HeraldCore

/// Retention settings of the Redis model, and the key recipients are fingerprinted with.
public struct StoreSettings: Sendable, Equatable {
    /// How long a message stays readable after reaching a terminal status.
    public var terminalTTLSeconds: Int
    /// How long an idempotency key maps to its original message.
    public var idempotencyTTLSeconds: Int
    /// How long a provider id stays resolvable for late receipts.
    public var providerIDTTLSeconds: Int
    /// How long a receipt that arrived before its send was recorded is kept.
    public var earlyReceiptTTLSeconds: Int
    /// The consumer group every dispatcher instance joins.
    public var consumerGroup: String
    /// Keys suppressions and per-person caps by recipient without storing it
    /// in clear; every instance sharing the Redis must use the same key.
    public var fingerprints: RecipientFingerprint
    /// The partition counts in use, before and still to drain (see `PartitionLayout`).
    public var layout: PartitionLayout
    /// How many partitions (hash tags) each channel's new messages are spread over.
    public var partitions: ChannelPartitions {
        get { layout.current }
        set { layout = PartitionLayout(current: newValue) }
    }
    /// How long acceptance keeps trying a write Redis could not take
    /// (a master failing over, a restart) before it answers that it could not
    /// store the message. Long enough for a cluster failover.
    public var storeRetryMillis: Int
    /// How long audit entries are kept (`HERALD_AUDIT_RETENTION_DAYS`).
    public var audit = AuditTrail()

    public init(
        terminalTTLSeconds: Int = 7 * 86_400, idempotencyTTLSeconds: Int = 86_400,
        providerIDTTLSeconds: Int = 7 * 86_400, earlyReceiptTTLSeconds: Int = 86_400,
        consumerGroup: String = "dispatch", fingerprints: RecipientFingerprint = .random(),
        partitions: ChannelPartitions = .single, storeRetryMillis: Int = 10_000
    ) {
        self.storeRetryMillis = storeRetryMillis
        self.layout = PartitionLayout(current: partitions)
        self.fingerprints = fingerprints
        self.terminalTTLSeconds = terminalTTLSeconds
        self.idempotencyTTLSeconds = idempotencyTTLSeconds
        self.providerIDTTLSeconds = providerIDTTLSeconds
        self.earlyReceiptTTLSeconds = earlyReceiptTTLSeconds
        self.consumerGroup = consumerGroup
    }
}
