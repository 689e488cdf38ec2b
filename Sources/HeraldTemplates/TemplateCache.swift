import HeraldCore
import Synchronization

/// Compiled templates by `name@version`. Versions never change once stored,
/// so an entry is never stale; the cache only bounds how many it holds.
public final class TemplateCache: Sendable {
    private let entries = Mutex<[String: CompiledTemplate]>([:])
    private let capacity: Int

    public init(capacity: Int = 1_024) {
        self.capacity = capacity
    }

    /// The compiled form of `template`, compiling it on first use.
    public func compiled(_ template: MessageTemplate) throws(APIError) -> CompiledTemplate {
        let reference = template.reference
        if let hit = entries.withLock({ $0[reference] }) { return hit }
        let compiled = try CompiledTemplate(template)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[reference] = compiled
        }
        return compiled
    }

    /// A version already compiled, without touching Redis.
    public func cached(_ reference: String) -> CompiledTemplate? {
        entries.withLock { $0[reference] }
    }
}
