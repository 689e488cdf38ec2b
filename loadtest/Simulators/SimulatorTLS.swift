import NIOSSL

/// A self-signed certificate for `127.0.0.1`/`localhost` (P-256, valid to
/// 2126) so the APNs simulator can speak HTTP/2 over TLS as APNs does. It is a
/// loopback test credential, never used for anything else; the APNs adapter
/// trusts it only when configured with it (`HERALD_APNS_TRUST_ROOTS_PEM`).
public enum SimulatorTLS {
    public static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBqDCCAU+gAwIBAgIUDnBPVUAmGe1tM9MoqsfRhAUfUsUwCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQaGVyYWxkLXNpbXVsYXRvcjAgFw0yNjExMjMwMTU2NDlaGA8y
        MTI2MTAzMDAxNTY0OVowGzEZMBcGA1UEAwwQaGVyYWxkLXNpbXVsYXRvcjBZMBMG
        ByqGSM49AgEGCCqGSM49AwEHA0IABH7Xuu1lcFKF/Z3gG6B73RQebcYqiDH2WcGc
        FtTSn5xAIYcwFfWYSu0QIohUvkAL/+MR+1inWZ3Ls9xzTS73pnajbzBtMB0GA1Ud
        DgQWBBQZU9rfoQ0tTR17USyBMp0SfaOIyzAfBgNVHSMEGDAWgBQZU9rfoQ0tTR17
        USyBMp0SfaOIyzAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYDVR0TAQH/
        BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBzcSjm/lgA6Rd4PIqQmk94P+MW/lRx
        w9WAffXt25s0jwIgdyvppXvG4T2a99mqxiccIvg+5/DkzXsfFZq83ywPyGI=
        -----END CERTIFICATE-----
        """

    public static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCSiwKIQqA6MSsUji
        4NFSzBo3CdUFygtgj96e14gpWzihRANCAAR+17rtZXBShf2d4Buge90UHm3GKogx
        9lnBnBbU0p+cQCGHMBX1mErtECKIVL5AC//jEftYp1mdy7Pcc00u96Z2
        -----END PRIVATE KEY-----
        """

    /// Server TLS offering h2 (and http/1.1) through ALPN.
    public static func serverConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
        tls.applicationProtocols = ["h2", "http/1.1"]
        return tls
    }
}
