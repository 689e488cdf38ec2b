import Crypto
import Foundation

/// The credentials the local sandbox's providers (Herald's simulators) and
/// Herald agree on. Each provider draws its own (`ProviderRegistration.drawSandboxSecrets`)
/// the first time a data directory is used, and they are kept in
/// `<data dir>/sandbox-secrets/<provider>.json` (mode 0600), so `herald serve`
/// and a separate `herald-bench simulate` on the same directory agree, while no
/// secret of the sandbox appears in Herald's source. A provider added later
/// draws its file on first use, beside the others. They are used only in the
/// sandbox: a Herald with API keys never reads them.
public struct SandboxSecrets: Sendable, Equatable {
    /// The folder, inside the data directory, the secrets are kept in.
    public static let directoryName = "sandbox-secrets"
    /// The entry that holds Herald's own sandbox secrets (not a provider's).
    public static let heraldEntry = "herald"

    private var entries: [String: ProviderSecrets]

    public init(_ entries: [String: ProviderSecrets]) {
        self.entries = entries
    }

    /// The secrets of one provider (empty when it draws none).
    public subscript(provider provider: String) -> ProviderSecrets {
        get { entries[provider] ?? ProviderSecrets([:]) }
        set { entries[provider] = newValue }
    }

    /// The secret that signs the sandbox's unsubscribe links.
    public var unsubscribeSecret: String { self[provider: Self.heraldEntry]["unsubscribe_secret"] }

    /// The secret that signs status events POSTed to messages' `callback_url`
    /// in the sandbox: derived from the unsubscribe secret, so data
    /// directories made before status events existed need no new file.
    public var eventSecret: String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("herald-event-callbacks".utf8),
                                                   using: SymmetricKey(data: Data(unsubscribeSecret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// Herald's own secrets, drawn like a provider's.
    static func drawHeraldSecrets() -> [String: String] { ["unsubscribe_secret": randomToken()] }

    /// Fresh secrets for these providers, in memory (tests).
    public static func draw(for registrations: [any ProviderRegistration.Type]) throws -> SandboxSecrets {
        var entries = [heraldEntry: ProviderSecrets(drawHeraldSecrets())]
        for registration in registrations { entries[registration.name] = ProviderSecrets(try registration.drawSandboxSecrets()) }
        return SandboxSecrets(entries)
    }

    /// The secrets of `directory` for these providers, each drawn and stored on first use.
    public static func load(directory: String, registrations: [any ProviderRegistration.Type]) throws -> SandboxSecrets {
        let folder = (directory as NSString).appendingPathComponent(directoryName)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var entries = [heraldEntry: try loadEntry(folder: folder, name: heraldEntry, draw: drawHeraldSecrets)]
        for registration in registrations {
            entries[registration.name] = try loadEntry(folder: folder, name: registration.name,
                                                       draw: registration.drawSandboxSecrets)
        }
        return SandboxSecrets(entries)
    }

    /// One entry's file, made on first use. Two processes starting together
    /// agree: the file appears whole (written aside, then hard-linked into
    /// place), and whoever links second reads the winner's.
    static func loadEntry(folder: String, name: String, draw: () throws -> [String: String]) throws -> ProviderSecrets {
        let path = (folder as NSString).appendingPathComponent(name + ".json")
        if let existing = try read(path) { return existing }
        let fresh = ProviderSecrets(try draw())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(fresh.values), attributes: [.posixPermissions: 0o600])
        else { throw ProviderConfigurationError("cannot write \(temporary)") }
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let winner = try read(path) else {
                throw ProviderConfigurationError("cannot create \(path): \(String(cString: strerror(errno)))")
            }
            return winner
        }
        return fresh
    }

    static func read(_ path: String) throws -> ProviderSecrets? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return ProviderSecrets(try JSONDecoder().decode([String: String].self, from: data))
        } catch {
            throw ProviderConfigurationError("\(path) is not a sandbox secrets file (\(error)); delete it to draw new secrets")
        }
    }

    /// 32 random bytes from the system's CSPRNG, as hex: what most sandbox tokens are.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
