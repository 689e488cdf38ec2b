/// A script reply that is one integer naming its outcome (1 created, 0 the id
/// was taken, …): the typed reply is an enum whose raw values are those
/// integers, and reading it is written once, here.
protocol IntegerReply: RawRepresentable, Sendable where RawValue == Int {
    /// The script's file, named in the error on any other reply.
    static var script: String { get }
}

extension IntegerReply {
    /// Reads the script's integer reply; throws on any other reply.
    init(_ value: RedisValue) throws {
        guard let raw = value.integer, let reply = Self(rawValue: raw) else {
            throw RedisError.unexpectedReply("\(Self.script) returned \(value)")
        }
        self = reply
    }
}

extension RedisValue {
    /// A script's count (messages moved, entries given back); throws naming `script` on any other reply.
    func count(of script: String) throws -> Int {
        guard let count = integer else { throw RedisError.unexpectedReply("\(script) returned \(self)") }
        return count
    }
}
