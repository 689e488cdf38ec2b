import Foundation

/// The fields of a Google service-account key file (the JSON downloaded from
/// the Firebase console) that minting an access token needs.
public struct FCMServiceAccount: Sendable, Equatable, Decodable {
    public var projectID: String
    public var privateKeyID: String?
    /// PEM, PKCS#8 (`-----BEGIN PRIVATE KEY-----`).
    public var privateKey: String
    public var clientEmail: String
    public var tokenURI: String

    enum CodingKeys: String, CodingKey {
        case projectID = "project_id"
        case privateKeyID = "private_key_id"
        case privateKey = "private_key"
        case clientEmail = "client_email"
        case tokenURI = "token_uri"
    }

    public init(projectID: String, privateKeyID: String?, privateKey: String, clientEmail: String, tokenURI: String) {
        self.projectID = projectID
        self.privateKeyID = privateKeyID
        self.privateKey = privateKey
        self.clientEmail = clientEmail
        self.tokenURI = tokenURI
    }

    /// Reads a key file's contents.
    public static func parse(_ json: Data) throws -> FCMServiceAccount {
        try JSONDecoder().decode(FCMServiceAccount.self, from: json)
    }
}
