// swift-tools-version:6.1
import Foundation
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// What every provider under adapters/ builds on: the provider kit, and the
/// simulator kit its simulator is made with.
let adapterDependencies: [Target.Dependency] = [
    "HeraldProviders", "HeraldSimulators", "HeraldCore", .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "_CryptoExtras", package: "swift-crypto"),
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "HTTPTypes", package: "swift-http-types"),
    .product(name: "Logging", package: "swift-log"),
]

/// The folders under adapters/ that hold a provider (all but the shared kit):
/// a provider is found by its folder, so adding one edits no list here.
let adapterNames: [String] = {
    let root = Context.packageDirectory + "/adapters"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return names.filter { $0 != "Provider" && FileManager.default.fileExists(atPath: root + "/" + $0 + "/" + $0 + "Registration.swift") }
        .sorted()
}()

/// Extra dependencies a provider needs beyond `adapterDependencies`.
let adapterExtras: [String: [Target.Dependency]] = [
    "APNs": [.product(name: "NIOSSL", package: "swift-nio-ssl")],
    "DirectMail": ["AliyunAdapter"],
    "SMTP": ["CCurl", .product(name: "NIOPosix", package: "swift-nio")],
    "MiniProgram": ["WeChatAdapter"],
]

/// Whether a provider folder has its own tests (`adapters/<name>/Tests`).
func hasTests(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: Context.packageDirectory + "/adapters/" + name + "/Tests")
}

/// One provider: a target named `<name>Adapter` in `adapters/<name>` (its
/// sender, webhook, registration and `Simulator/`), and its tests in
/// `adapters/<name>/Tests` as `<name>AdapterTests`.
func adapter(_ name: String) -> [Target] {
    var targets: [Target] = [
        .target(name: name + "Adapter", dependencies: adapterDependencies + (adapterExtras[name] ?? []),
                path: "adapters/" + name, exclude: hasTests(name) ? ["Tests"] : [], swiftSettings: strict),
    ]
    if hasTests(name) {
        targets.append(.testTarget(name: name + "AdapterTests", dependencies: ["HeraldTesting"] + wholeHerald,
                                   path: "adapters/" + name + "/Tests", swiftSettings: strict))
    }
    return targets
}

/// Every adapter, for the targets that wire them up.
let allAdapters: [Target.Dependency] = adapterNames.map { .byName(name: $0 + "Adapter") }

/// Everything a whole Herald on loopback is made of: what HeraldTesting
/// assembles, and what the integration tests reach into.
let wholeHerald: [Target.Dependency] = [
    "HeraldCore", "HeraldRedis", "HeraldDispatch", "HeraldMetrics", "HeraldHTTP", "HeraldSimulators", "HeraldProviders",
    "HeraldRegistry",
] + allAdapters + [
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "_CryptoExtras", package: "swift-crypto"),
]

let package = Package(
    name: "herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .executable(name: "herald-bench", targets: ["herald-bench"]),
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
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis",
                       providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "HeraldCore",
                dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "_CryptoExtras", package: "swift-crypto")],
                swiftSettings: strict),
        .target(name: "HeraldTemplates",
                dependencies: ["HeraldCore", .product(name: "Mustache", package: "swift-mustache")],
                swiftSettings: strict),
        .target(name: "HeraldLogging",
                dependencies: ["HeraldCore", .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "HeraldRedis",
                dependencies: ["CHiredis", "HeraldCore", .product(name: "Logging", package: "swift-log"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl")],
                resources: [.copy("Scripts")],
                swiftSettings: strict),
        .target(name: "HeraldProviders",
                dependencies: ["HeraldCore", .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "NIOTLS", package: "swift-nio"),
                               .product(name: "DequeModule", package: "swift-collections"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "_CryptoExtras", package: "swift-crypto"),
                               .product(name: "AsyncHTTPClient", package: "async-http-client")],
                path: "adapters/Provider",
                swiftSettings: strict),
        .target(name: "HeraldMetrics",
                dependencies: ["HeraldCore", "HeraldRedis", .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        .target(name: "HeraldDispatch",
                dependencies: ["HeraldCore", "HeraldRedis", "HeraldProviders", "HeraldMetrics",
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        .target(name: "HeraldHTTP",
                dependencies: ["HeraldCore", "HeraldRedis", "HeraldMetrics", "HeraldProviders", "HeraldTemplates",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                resources: [.copy("openapi.yaml")],
                swiftSettings: strict),
        .target(name: "HeraldSimulators",
                dependencies: ["HeraldCore", "HeraldProviders",
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
        .target(name: "HeraldRegistry",
                dependencies: ["HeraldCore", "HeraldProviders", "HeraldSimulators"] + allAdapters + [
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log")],
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
                          dependencies: ["HeraldCore", "HeraldLogging", "HeraldRedis", "HeraldDispatch", "HeraldMetrics", "HeraldHTTP", "HeraldTemplates",
                                         "HeraldSimulators", "HeraldRegistry"] + allAdapters + [
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Configuration", package: "swift-configuration"),
                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                         .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                         .product(name: "NIOPosix", package: "swift-nio"),
                                         .product(name: "NIOCore", package: "swift-nio"),
                                         .product(name: "Hummingbird", package: "hummingbird")],
                          swiftSettings: strict),
        .executableTarget(name: "herald-bench",
                          dependencies: ["HeraldCore", "HeraldLogging", "HeraldRedis", "HeraldProviders", "HeraldTemplates",
                                         "HeraldSimulators", "HeraldRegistry", "HeraldLoadGenerator", "WebhookAdapter",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                         .product(name: "Hummingbird", package: "hummingbird"),
                                         .product(name: "Logging", package: "swift-log"),
                                         .product(name: "NIOPosix", package: "swift-nio"),
                                         .product(name: "NIOCore", package: "swift-nio")],
                          swiftSettings: strict),
        .testTarget(name: "HeraldLoadGeneratorTests", dependencies: ["HeraldLoadGenerator", "HeraldCore"], swiftSettings: strict),
        .testTarget(name: "HeraldCoreTests",
                    dependencies: ["HeraldCore", "HeraldLogging", "HeraldProviders", "HeraldTemplates", "HeraldRedis",
                                   "SendGridAdapter", "WebhookAdapter", .product(name: "Logging", package: "swift-log")],
                    exclude: ["Fixtures"],
                    swiftSettings: strict),
        .testTarget(name: "HeraldProvidersTests",
                    dependencies: ["HeraldCore", "HeraldProviders"] + allAdapters + [
                                   .product(name: "NIOCore", package: "swift-nio"),
                                   .product(name: "Crypto", package: "swift-crypto")],
                    swiftSettings: strict),
        .testTarget(name: "HeraldRedisTests",
                    dependencies: ["HeraldRedis", "HeraldTesting", .product(name: "NIOHTTP1", package: "swift-nio")],
                    swiftSettings: strict),
        .testTarget(name: "HeraldDispatchTests",
                    dependencies: ["HeraldTesting"] + wholeHerald,
                    swiftSettings: strict),
        .testTarget(name: "HeraldHTTPTests",
                    dependencies: ["HeraldCore", "HeraldHTTP", "HeraldMetrics", "HeraldRedis",
                                   .product(name: "Hummingbird", package: "hummingbird"),
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .target(name: "HeraldTesting",
                dependencies: wholeHerald,
                swiftSettings: strict),
        .testTarget(name: "HeraldIntegrationTests", dependencies: ["HeraldTesting"] + wholeHerald,
                    swiftSettings: strict),
    ] + adapterNames.flatMap(adapter)
)
