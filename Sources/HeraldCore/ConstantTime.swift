/// Comparison of secrets (signatures, tokens) whose time does not depend on
/// where the inputs first differ, so an attacker cannot guess a signature
/// byte by byte from response times.
public enum ConstantTime {
    /// True when both strings are byte for byte the same.
    public static func equal(_ given: String, _ expected: String) -> Bool {
        var given = given
        var expected = expected
        return given.withUTF8 { a in expected.withUTF8 { b in equal(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b)) } }
    }

    /// True when both byte runs are the same, in time that depends only on their length.
    public static func equal(_ given: UnsafeRawBufferPointer, _ expected: UnsafeRawBufferPointer) -> Bool {
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<given.count { difference |= given[index] ^ expected[index] }
        return difference == 0
    }
}
