// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// What every HTTP provider adapter under adapters/ builds on.
let adapterDependencies: [Target.Dependency] = [
    "HeraldProviders", "HeraldCore", .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "Crypto", package: "swift-crypto"),
]

/// One provider adapter: a target named `<name>Adapter` in `adapters/<name>`.
func adapter(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .target(name: name + "Adapter", dependencies: adapterDependencies + extra, path: "adapters/" + name,
            swiftSettings: strict)
}

/// Every adapter, for the targets that wire them up.
let adapterNames = ["Twilio", "Webhook", "Aliyun", "SendGrid", "WeChat", "FCM", "APNs", "SMTP"]
let allAdapters: [Target.Dependency] = adapterNames.map { .byName(name: $0 + "Adapter") }

let package = Package(
    name: "herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", exact: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis",
                       providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "HeraldCore",
                dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        .target(name: "HeraldLogging",
                dependencies: ["HeraldCore", .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "HeraldRedis",
                dependencies: ["CHiredis", "HeraldCore", .product(name: "Logging", package: "swift-log")],
                resources: [.copy("Scripts")],
                swiftSettings: strict),
        .target(name: "HeraldProviders",
                dependencies: ["HeraldCore", .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "NIOTLS", package: "swift-nio"),
                               .product(name: "DequeModule", package: "swift-collections"),
                               .product(name: "AsyncHTTPClient", package: "async-http-client")],
                path: "adapters/Provider",
                swiftSettings: strict),
        adapter("Twilio"),
        adapter("Webhook"),
        adapter("Aliyun"),
        adapter("SendGrid"),
        adapter("WeChat"),
        adapter("FCM", [.product(name: "_CryptoExtras", package: "swift-crypto")]),
        adapter("APNs", [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        adapter("SMTP", ["CCurl", .product(name: "NIOPosix", package: "swift-nio")]),
        .target(name: "HeraldDispatch",
                dependencies: ["HeraldCore", "HeraldRedis", "HeraldProviders",
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        .target(name: "HeraldHTTP",
                dependencies: ["HeraldCore", "HeraldRedis", "HeraldDispatch", "HeraldProviders"] + allAdapters + [
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        .target(name: "HeraldSimulators",
                dependencies: ["HeraldCore"] + allAdapters + [
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "_CryptoExtras", package: "swift-crypto"),
                               .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio")],
                path: "loadtest/Simulators",
                swiftSettings: strict),
        .target(name: "HeraldLoadGenerator",
                dependencies: ["HeraldCore", "HeraldRedis",
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "Histogram", package: "hdrhistogram-swift")],
                path: "loadtest/LoadGenerator",
                swiftSettings: strict),
        .executableTarget(name: "herald",
                          dependencies: ["HeraldCore", "HeraldLogging", "HeraldRedis", "HeraldDispatch", "HeraldHTTP",
                                         "HeraldSimulators", "HeraldLoadGenerator"] + allAdapters + [
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                         .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                         .product(name: "NIOPosix", package: "swift-nio"),
                                         .product(name: "NIOCore", package: "swift-nio"),
                                         .product(name: "Hummingbird", package: "hummingbird")],
                          swiftSettings: strict),
        .testTarget(name: "HeraldLoadGeneratorTests", dependencies: ["HeraldLoadGenerator", "HeraldCore"], swiftSettings: strict),
        .testTarget(name: "HeraldCoreTests",
                    dependencies: ["HeraldCore", "HeraldLogging", "HeraldDispatch", "HeraldProviders"] + allAdapters
                        + [.product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "HeraldIntegrationTests",
                    dependencies: ["HeraldCore", "HeraldRedis", "HeraldDispatch", "HeraldHTTP",
                                   "HeraldSimulators", "HeraldProviders"] + allAdapters + [
                                   .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                   .product(name: "NIOCore", package: "swift-nio"),
                                   .product(name: "NIOHTTP1", package: "swift-nio"),
                                   .product(name: "NIOPosix", package: "swift-nio"),
                                   .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                   .product(name: "Hummingbird", package: "hummingbird"),
                                   .product(name: "Crypto", package: "swift-crypto"),
                                   .product(name: "_CryptoExtras", package: "swift-crypto")],
                    swiftSettings: strict),
    ]
)
