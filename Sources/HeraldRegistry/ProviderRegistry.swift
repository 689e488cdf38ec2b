import HeraldAdapters
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Every provider Herald has, and which of them a configuration enables: the
/// one list the gateway, the doctor, the sandbox's secrets and simulators and
/// the test harness are all derived from. Adding a provider is its folder
/// under `adapters/` plus one line in `builtIn` (and its import).
public struct ProviderRegistry: Sendable {
    /// The providers this build of Herald ships.
    public static let builtIn = ProviderRegistry([
        TwilioRegistration.self,
        AliyunRegistration.self,
        SendGridRegistration.self,
        SMTPRegistration.self,
        DirectMailRegistration.self,
        FCMRegistration.self,
        APNsRegistration.self,
        UmengRegistration.self,
        WeChatRegistration.self,
        MiniProgramRegistration.self,
        WeComRegistration.self,
        WebhookRegistration.self,
    ])

    /// The registrations, in the order a channel's providers fail over when
    /// `HERALD_<CHANNEL>_PROVIDERS` does not say.
    public let all: [any ProviderRegistration.Type]

    public init(_ all: [any ProviderRegistration.Type]) {
        self.all = all
    }

    /// This registry with more providers after its own (a test's, for instance).
    public func adding(_ more: [any ProviderRegistration.Type]) -> ProviderRegistry {
        ProviderRegistry(all + more.filter { extra in !all.contains { $0.name == extra.name } })
    }

    /// The providers that bring a simulator.
    public var simulated: [any SimulatedRegistration.Type] {
        all.compactMap { $0 as? any SimulatedRegistration.Type }
    }

    /// The setting that orders a channel's providers.
    public static func orderKey(_ channel: Channel) -> String { "HERALD_\(channel.rawValue.uppercased())_PROVIDERS" }

    /// The providers that carry a channel, in failover order: those named by
    /// `HERALD_<CHANNEL>_PROVIDERS`, else every configured one in the order of
    /// `all` (in the sandbox, every simulated one that is a sandbox default).
    public func chain(for channel: Channel, context: ProviderContext) throws -> [any ProviderRegistration.Type] {
        let ofChannel = all.filter { $0.channel == channel }
        let key = Self.orderKey(channel)
        guard let text = context.settings.string(key) else {
            return ofChannel.filter { $0.isAvailable(context) && (context.sandbox == nil || $0.isSandboxDefault) }
        }
        var chain: [any ProviderRegistration.Type] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let registration = ofChannel.first(where: { $0.name == name }) else {
                throw ProviderConfigurationError("\(key): unknown provider '\(name)'; expected one of "
                    + ofChannel.map { $0.name }.joined(separator: ", "))
            }
            guard registration.isAvailable(context) else {
                throw ProviderConfigurationError("\(key) names \(name), but \(name) is not configured: set "
                    + registration.credentialKeys.joined(separator: " / ")
                    + (context.sandbox == nil ? "" : " (it has no simulator in the local sandbox)"))
            }
            if !chain.contains(where: { $0.name == name }) { chain.append(registration) }
        }
        return chain
    }

    /// Every enabled provider's registration, channel by channel.
    public func enabled(_ context: ProviderContext) throws -> [any ProviderRegistration.Type] {
        try Channel.allCases.flatMap { try chain(for: $0, context: context) }
    }

    /// The settings of a real provider account present in `settings`: with
    /// any of them, Herald must not run as an unauthenticated sandbox.
    public func realAccountKeys(in settings: ProviderSettings) -> [String] {
        all.filter { $0.isRealAccount }.flatMap { $0.credentialKeys }.filter { settings.string($0) != nil }
    }

    /// Every key a provider reads.
    public var settingKeys: Set<String> {
        Set(all.flatMap { $0.settingKeys } + Channel.allCases.map(Self.orderKey))
    }
}
