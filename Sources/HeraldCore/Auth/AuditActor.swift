/// Who made a change the audit log records: an API key (its id and name),
/// or Herald itself on someone's behalf (a recipient's STOP, a provider's
/// bounce, the command line).
public struct AuditActor: Sendable, Equatable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// The recipient, by an unsubscribe link or an opt-out keyword.
    public static let recipient = AuditActor(id: "recipient", name: "the recipient")
    /// The `herald` command line on the operator's machine.
    public static let commandLine = AuditActor(id: "cli", name: "herald command line")

    /// A provider's receipt or send outcome (a bounce, an invalid number).
    public static func provider(_ name: String) -> AuditActor {
        AuditActor(id: "provider:" + name, name: name)
    }
}
