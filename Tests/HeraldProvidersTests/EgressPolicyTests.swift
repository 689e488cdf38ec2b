import Foundation
import HeraldProviders
import Testing
import HeraldAdapters

/// Where webhooks may connect: the address classification, the CIDR parser
/// and the policy built from `HERALD_WEBHOOK_ALLOWED_NETWORKS`. Pure values,
/// except the resolver tests, which use this machine's /etc/hosts.
@Suite("Webhook egress policy")
struct EgressPolicyTests {
    static func address(_ text: String) throws -> IPAddress {
        try #require(IPAddress(text), "\(text) parses")
    }

    @Test("numeric addresses parse strictly; IPv4 and its IPv4-mapped IPv6 form are one address")
    func parsing() throws {
        #expect(try Self.address("::ffff:127.0.0.1") == Self.address("127.0.0.1"))
        #expect(try Self.address("::ffff:7f00:1") == Self.address("127.0.0.1"))
        #expect(try Self.address("127.0.0.1").isIPv4)
        #expect(try !Self.address("::1").isIPv4)
        #expect(try Self.address("::ffff:169.254.169.254").description == "169.254.169.254")
        #expect(try Self.address("2001:DB8:0:0:0:0:0:1").description == "2001:db8::1")
        // Host names and the shorthand forms getaddrinfo would accept are not numeric addresses here.
        for text in ["localhost", "127.1", "2130706433", "0x7f.0.0.1", "1.2.3.4.5", "", " 127.0.0.1", "[::1]", "1.2.3.256"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test("every non-public block is classified, IPv4 embedded in IPv6 as the IPv4 address it leads to",
          arguments: [
              ("127.0.0.1", AddressScope.loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
              ("::ffff:127.0.0.1", .loopback), ("64:ff9b::7f00:1", .loopback), ("2002:7f00:1::1", .loopback),
              ("169.254.169.254", .linkLocal), ("::ffff:169.254.169.254", .linkLocal), ("fe80::1", .linkLocal),
              ("febf:ffff::1", .linkLocal),
              ("10.0.0.1", .privateNetwork), ("10.255.255.255", .privateNetwork), ("172.16.0.1", .privateNetwork),
              ("172.31.255.255", .privateNetwork), ("192.168.1.1", .privateNetwork), ("::ffff:10.1.2.3", .privateNetwork),
              ("2002:c0a8:101::1", .privateNetwork), ("64:ff9b:1::a00:1", .privateNetwork), ("fec0::1", .privateNetwork),
              ("fc00::1", .uniqueLocal), ("fd12:3456:789a::1", .uniqueLocal),
              ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified), ("::ffff:0.0.0.0", .unspecified),
              ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
              ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
              ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("192.0.2.1", .reserved),
              ("198.18.0.1", .reserved), ("203.0.113.9", .reserved), ("2001:db8::1", .reserved),
              ("::127.0.0.1", .reserved), ("100::1", .reserved), ("4000::1", .reserved),
          ])
    func nonPublic(text: String, scope: AddressScope) throws {
        #expect(AddressScope.of(try Self.address(text)) == scope)
    }

    @Test("public addresses have no scope, next to the edges of the blocks around them",
          arguments: ["8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "100.63.255.255",
                      "100.128.0.0", "169.253.255.255", "192.167.255.255", "223.255.255.255", "2606:4700:4700::1111",
                      "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])
    func publicAddress(text: String) throws {
        #expect(AddressScope.of(try Self.address(text)) == nil)
    }

    @Test("CIDRs parse in both families; an IPv4 block holds the mapped forms, and a bare address is a block of one")
    func networks() throws {
        let ten = try IPNetwork(parsing: " 10.0.0.0/8 ")
        #expect(ten.description == "10.0.0.0/8")
        #expect(try ten.contains(Self.address("10.200.1.1")) && ten.contains(Self.address("::ffff:10.0.0.1")))
        #expect(try !ten.contains(Self.address("11.0.0.0")) && !ten.contains(Self.address("::a00:1")))
        #expect(try IPNetwork(parsing: "::ffff:10.0.0.0/104") == ten)
        let ula = try IPNetwork(parsing: "fd00::/8")
        #expect(try ula.contains(Self.address("fd12::1")) && !ula.contains(Self.address("fc00::1")))
        let host = try IPNetwork(parsing: "192.168.1.10")
        #expect(host.description == "192.168.1.10/32")
        #expect(try host.contains(Self.address("192.168.1.10")) && !host.contains(Self.address("192.168.1.11")))
        let allIPv4 = try IPNetwork(parsing: "0.0.0.0/0")
        #expect(try allIPv4.contains(Self.address("203.0.113.1")) && !allIPv4.contains(Self.address("::1")))
        let everything = try IPNetwork(parsing: "::/0")
        #expect(try everything.contains(Self.address("::1")) && everything.contains(Self.address("127.0.0.1")))
        #expect(try IPNetwork.list(parsing: "10.0.0.0/8, fd00::/8,,") == [ten, ula])
    }

    @Test("malformed CIDRs are refused, naming the text",
          arguments: ["10.0.0.0/33", "fd00::/129", "10.0.0.1/8", "fd00::1/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8",
                      "10.0.0.0/ 8", "10.0.0.0/8/8", "10.0.0/8", "example.com/8", "/8", "10.0.0.0/٨"])
    func malformed(text: String) {
        #expect {
            _ = try IPNetwork.list(parsing: "192.168.0.0/16," + text)
        } throws: { error in
            (error as? IPNetworkError)?.description.contains(text.trimmingCharacters(in: .whitespaces)) == true
        }
    }

    @Test("a host-bits typo is refused with the block it probably meant")
    func hostBits() {
        #expect {
            _ = try IPNetwork(parsing: "10.1.2.3/8")
        } throws: { error in
            (error as? IPNetworkError)?.description.contains("did you mean 10.0.0.0/8?") == true
        }
    }

    @Test("the policy permits public addresses and, of the rest, only the allowed networks")
    func policy() throws {
        let strict = EgressPolicy()
        #expect(try strict.permits(Self.address("8.8.8.8")))
        #expect(try !strict.permits(Self.address("127.0.0.1")) && !strict.permits(Self.address("169.254.169.254")))
        let loopback = EgressPolicy(allowedNetworks: [try IPNetwork(parsing: "127.0.0.0/8")])
        #expect(try loopback.permits(Self.address("127.0.0.1")) && loopback.permits(Self.address("::ffff:127.0.0.2")))
        #expect(try !loopback.permits(Self.address("::1")) && !loopback.permits(Self.address("10.0.0.1")))
    }

    @Test("HERALD_WEBHOOK_ALLOWED_NETWORKS: a malformed list stops the provider naming the setting; the sandbox adds loopback")
    func settings() throws {
        #expect {
            _ = try WebhookEgress.policy(settings: ProviderSettings(["HERALD_WEBHOOK_ALLOWED_NETWORKS": "10.0.0.0/8,10.0.0.1/33"]),
                                         sandbox: false)
        } throws: { error in
            (error as? ProviderConfigurationError)?.description.hasPrefix("HERALD_WEBHOOK_ALLOWED_NETWORKS: '10.0.0.1/33'") == true
        }
        let none = try WebhookEgress.policy(settings: ProviderSettings([:]), sandbox: false)
        #expect(none.allowedNetworks.isEmpty)
        let listed = try WebhookEgress.policy(
            settings: ProviderSettings(["HERALD_WEBHOOK_ALLOWED_NETWORKS": "10.0.0.0/8"]), sandbox: false)
        #expect(try listed.permits(Self.address("10.1.1.1")) && !listed.permits(Self.address("127.0.0.1")))
        let sandbox = try WebhookEgress.policy(settings: ProviderSettings([:]), sandbox: true)
        #expect(try sandbox.permits(Self.address("127.0.0.1")) && sandbox.permits(Self.address("::1")))
        #expect(try !sandbox.permits(Self.address("10.0.0.1")) && !sandbox.permits(Self.address("169.254.169.254")))
        #expect(WebhookRegistration.settingKeys.contains("HERALD_WEBHOOK_ALLOWED_NETWORKS"))
        #expect(!WebhookRegistration.credentialKeys.contains("HERALD_WEBHOOK_ALLOWED_NETWORKS"))
    }

    @Test("the guard judges what a name resolves to: localhost and the numeric spellings of loopback are refused")
    func guardResolves() async throws {
        let strict = EgressGuard(policy: EgressPolicy())
        for host in ["localhost", "2130706433", "0x7f000001", "127.1", "::ffff:127.0.0.1"] {
            await #expect(throws: EgressRefusal.notAllowed(.loopback), "\(host)") { _ = try await strict.vet(host: host, port: 80) }
        }
        for host in ["0.0.0.0", "0", "::"] {
            await #expect(throws: EgressRefusal.notAllowed(.unspecified), "\(host)") { _ = try await strict.vet(host: host, port: 80) }
        }
        let addresses = try await strict.vet(host: "8.8.8.8", port: 443)
        let public8 = try Self.address("8.8.8.8")
        #expect(addresses.map(\.port) == [443] && addresses.compactMap(IPAddress.init) == [public8])
        let loopback = EgressGuard(policy: EgressPolicy(allowedNetworks: EgressPolicy.loopback))
        let local = try await loopback.vet(host: "localhost", port: 8080)
        #expect(!local.isEmpty && local.allSatisfy { IPAddress($0).map { AddressScope.of($0) == .loopback } == true })
        await #expect {
            _ = try await loopback.vet(host: "no-such-host.invalid", port: 80)
        } throws: { error in
            if case .unresolvable? = error as? EgressRefusal { return true }
            return false
        }
    }

    @Test("the host checked is the host the provider client connects to")
    func target() {
        #expect(EgressGuard.target(ofURL: "https://hooks.example.com/a?b=c")! == ("hooks.example.com", 443))
        #expect(EgressGuard.target(ofURL: "http://[::1]:8080/")! == ("::1", 8080))
        #expect(EgressGuard.target(ofURL: "http://user@127.0.0.1/") == nil)
        #expect(EgressGuard.target(ofURL: "ftp://example.com/") == nil)
    }
}
