import Foundation
import HeraldProviders
import NIOCore

extension DirectMailProvider: CredentialChecking {
    /// Reads the account summary (`DescAccountSummary`), which any valid
    /// AccessKey may and which sends nothing: a signature or AccessKey
    /// refusal names the settings to fix, and an account that is not in good
    /// standing (`UserStatus` ≠ 0) fails too, since DirectMail refuses its sends.
    public func checkCredentials() async -> CredentialCheck {
        do {
            let response = try await client.execute(rpc.request(action: "DescAccountSummary", []))
            return Self.credentialCheck(status: response.status, body: response.body)
        } catch {
            return .invalid("directmail could not be reached: \(error)")
        }
    }

    /// The verdict on DescAccountSummary's reply.
    static func credentialCheck(status: UInt, body: ByteBuffer) -> CredentialCheck {
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        let name = DirectMailRegistration.name
        guard status == 200, let userStatus = (json["UserStatus"] as? NSNumber)?.intValue
            ?? (json["UserStatus"] as? String).flatMap({ Int($0) })
        else {
            guard let code = json["Code"] as? String else {
                return .invalid("\(name) answered HTTP \(status) to DescAccountSummary without a Code")
            }
            let message = String(((json["Message"] as? String) ?? code).prefix(200))
            let fix = DirectMailProvider.fix(for: code).map { ": " + $0 } ?? ""
            return .invalid("\(name) refused DescAccountSummary (HTTP \(status), \(code): \(message))" + fix)
        }
        guard userStatus == 0 else {
            return .invalid("\(name): the account's UserStatus is \(userStatus) (\(describe(userStatus: userStatus))), "
                + "so DirectMail refuses its sends: see the DirectMail console")
        }
        return .valid("\(name) accepted the credentials; the account's UserStatus is 0 (normal)")
    }

    /// DescAccountSummary's `UserStatus` flags in words: 1 frozen, 2 in
    /// arrears, 4 outbound mail restricted, 8 deleted.
    static func describe(userStatus: Int) -> String {
        let flags = [(1, "frozen"), (2, "in arrears"), (4, "outbound mail restricted"), (8, "deleted")]
        let words = flags.filter { userStatus & $0.0 != 0 }.map(\.1)
        return words.isEmpty ? "unknown" : words.joined(separator: ", ")
    }
}
