import _CryptoExtras
import Crypto
import Foundation

/// The credentials Herald's simulators accept, shared by `herald serve`
/// (which talks to them when no real provider is configured) and `herald
/// simulate` (which may run in another process). They are loopback test
/// credentials: never valid at a real provider, never used for anything else.
public enum SimulatorCredentials {
    public static let twilioAccountSID = "ACsimulator000000000000000000000000"
    public static let twilioAuthToken = "simulator-auth-token"
    public static let webhookSecret = "simulator-webhook-secret"
    public static let aliyunAccessKeyID = "LTAIsimulator"
    public static let aliyunAccessKeySecret = "simulator-aliyun-secret"
    public static let aliyunReceiptToken = "simulator-aliyun-receipt-token"
    public static let sendgridAPIKey = "SG.simulator"
    public static let wechatAppID = "wxsimulator00001"
    public static let wechatAppSecret = "simulator-wechat-secret"
    public static let wechatServerToken = "simulator-wechat-token"
    public static let fcmProjectID = "herald-simulator"
    public static let fcmClientEmail = "herald@herald-simulator.iam.gserviceaccount.com"
    public static let apnsTeamID = "SIMTEAM001"
    public static let apnsKeyID = "SIMKEY0001"
    public static let apnsTopic = "com.example.herald"

    /// Signs the simulated SendGrid Event Webhook (fixed so separate processes agree).
    public static var sendgridSigningKey: P256.Signing.PrivateKey {
        try! P256.Signing.PrivateKey(rawRepresentation: SHA256.hash(data: Data("herald-simulator-sendgrid".utf8)))
    }

    /// The simulated APNs .p8 key.
    public static var apnsKey: P256.Signing.PrivateKey {
        try! P256.Signing.PrivateKey(rawRepresentation: SHA256.hash(data: Data("herald-simulator-apns".utf8)))
    }

    /// The simulated FCM service account's private key (RSA 2048, PKCS#8).
    public static let fcmPrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQChKO3aI84d7rhn
        QjbPL0/zu3G5uKyu6TJ+qgmJMUd9p++Lb+ww9icQeb1sH9z7z1RbA9lWJZ4ubJ+f
        uYoGsbosqOqm8JM4rf2CV9l/C2MNv16QdR8K7DtSM7GW0NBcJv6TplKaPrus9Kv1
        Q+fF4LAKDLRRWg4yJKcZ98vb5KTbLgPrq61Wx+h3y7U5NKalRVod70GLycVjy/Df
        /WIkOmupZ/NrifrB6OgjZjyTULA5gNKomcWdeBb2xPmA3d8wwg+vuSzF9s3jxkJ0
        /6cX/fBQyogRw4yFkG7YYtYAPmUZdre6fq/Lf638DTg5qRjOdD6DgIPBO4VBwRnn
        MDAhFGbjAgMBAAECggEASYegmiY6/Uo1ZZt+4WHfUz/DQC8DztxENymCp09OJIVS
        VKbQt3gf07MP23zgOR3cCZjEeTs5pEnYPKqNUMeXP5gkU92w9ivgXi+R4xbBb3zQ
        ew2NB9FHsZY3YS3N2zXJcnlw98JGo7+Qk5uTbKO6/iLUxMdXccZqXX1DTIVSOFPZ
        DCA1ccMdo0zdCUsB0DPXQhDBzJ691A3CTGplwntI3H5kVJ8bNupCzfgdkW+Dv1PB
        nFrKFJOk+Vx1PSE07bf45Hrkf2tpZcn8GveSU7XGchtzsDaYw/3b5UnQB0dCpJEX
        hwtcsPQnxeawdVVMXaHnj4/shfr4o3np/Hw88lF8pQKBgQDab9kx7BvCddSL549A
        XUYCQ/ONtXl49Ryr+ypCudHaR66eK+/OYh5X0l61UhsPdRMgicYugDYQqkog+Gde
        OBJf5q8FnGNeuylESAHoNXzuoSQF3/dUAg+1/Q1MNiacHCzHR+JzGMNtHJc8BC0q
        6bOCXCyRCK0mhbsaV76YwiyXJQKBgQC835lurFjGEaDte05CoBSdSjX0qUNUE0CA
        nwsAczAW4vGlvAWe8F9zG3CSmSOaxpCGNkxvhM1nizouLlUw0vlV5RSJx2yMuU+r
        zV8G3No9vct4VsFK0ToQwpgUUBO4FzGZJ2//g/GxJsYUJYKyBQtYpx7VCyK1eaVn
        dE1RKYELZwKBgGDr1exPvjV3gNqe4TIG8ORacDvFdOOVpqYsqKC4wINg4PrvtdTW
        Nm5zOnCrwLQIF3eNijDh1JtqY7/jWEI3EPgabDhKHtFOrE3OwYHeEdP0Df7JVH2i
        +IOgh4D0WgdUfQ3jOHgnWbcVQ4lutPfggDTsXx3vQpzgI5fZrQksxwo9AoGBAIHs
        ZkVFdUO6+LKkMa+PIt8YH4mPrer121cfEJhcpGX58zSI5Gzy+RXbeFK/2Ugs81n/
        nBDSj+F8WqdN4/hUCIRXswscDcW36+BIw+eaoN374y2CsDBhQMoqsia29vmZqtqp
        0Fc6UlYEUBmnvAHtimKPg5wVruibJ3bFADKmlEhdAoGBANGlIuCplLVEDLdBGNZS
        f5MboORd37jIYvs1RiBya4dKig4g3ST0lvDy/S/DcZhsQ8BsF3ZKA4VIO3t8gUGC
        s8ETUsydPbVTEl48QDD+IGWO0c45X+Cw1qvdARNyiMLGEZ4ceiALIYyZup2ow0FD
        OPLEm0amsKonwL7LhYyG+keA
        -----END PRIVATE KEY-----
        """

    public static var fcmPublicKey: _RSA.Signing.PublicKey {
        try! _RSA.Signing.PrivateKey(pemRepresentation: fcmPrivateKeyPEM).publicKey
    }
}
