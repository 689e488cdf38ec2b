import HeraldCore

/// An Umeng U-Push account as Herald uses it: Umeng issues one appkey and App
/// Master Secret per app, and an app is one platform, so a gateway that
/// pushes to Android and iOS holds two (either may be absent).
public struct UmengConfiguration: Sendable, Equatable {
    /// One Umeng app: what a request names (`appkey`) and what signs it.
    public struct App: Sendable, Equatable {
        /// The app's AppKey from the U-Push console: an identifier, sent in every body.
        public var appKey: String
        /// The App Master Secret (not the Message Secret): it signs requests and never travels.
        public var masterSecret: String

        /// The app as its U-Push console page lists it.
        public init(appKey: String, masterSecret: String) {
            self.appKey = appKey
            self.masterSecret = masterSecret
        }
    }

    /// `https://msgapi.umeng.com` in production, the simulator locally.
    public var baseURL: String
    /// The Android app; nil when Herald pushes to no Android device through Umeng.
    public var android: App?
    /// The iOS app; nil when Herald pushes to no iOS device through Umeng.
    public var ios: App?
    /// `production_mode`: false sends to the console's test devices only (and, on iOS, through the APNs sandbox).
    public var productionMode: Bool

    /// An account with either app or both; `baseURL` loses a trailing slash.
    public init(baseURL: String, android: App?, ios: App?, productionMode: Bool = true) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.android = android
        self.ios = ios
        self.productionMode = productionMode
    }

    /// The app of a platform, nil when it is not configured.
    public func app(for platform: UmengPushAddress.Platform) -> App? {
        switch platform {
        case .android: android
        case .ios: ios
        }
    }

    /// The settings that hold a platform's app: what an error tells the operator to fix.
    public static func settings(for platform: UmengPushAddress.Platform) -> (appKey: String, masterSecret: String) {
        let prefix = "HERALD_UMENG_" + platform.rawValue.uppercased()
        return (prefix + "_APP_KEY", prefix + "_MASTER_SECRET")
    }
}
