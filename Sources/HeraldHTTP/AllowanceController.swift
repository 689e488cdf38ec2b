import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `GET /v1/users/{user_id}/allowance[?timezone=…]`: what is left of a
/// person's frequency caps, per channel and window, so a campaign tool can
/// see who would be refused before it sends. Calendar windows are read in the
/// given zone (the person's), else the configured default.
struct AllowanceController: Sendable {
    let store: FatigueStore
    let validator: MessageValidator
    let configuration: APIConfiguration

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.get("users/:user/allowance", use: show)
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let raw = context.parameters.get("user") ?? ""
        let user = raw.removingPercentEncoding ?? raw
        try validator.validateUserID(user)
        var zone = configuration.defaultTimeZone
        if let name = request.uri.queryParameters.get("timezone") {
            guard let given = TimeZone(identifier: name) else {
                throw APIError.invalid("timezone", "timezone must be an IANA time zone name such as Asia/Shanghai")
            }
            zone = given
        }
        let now = WallClock.nowMillis()
        var channels: [String] = []
        for channel in Channel.allCases {
            guard let windows = configuration.fatigue[channel], !windows.isEmpty else { continue }
            let left = try await store.allowance(person: user, channel: channel, windows: windows, zone: zone, nowMillis: now)
            let entries = left.map { entry in
                var json = #"{"window":"\#(entry.window)","limit":\#(entry.window.limit),"remaining":\#(entry.remaining)"#
                if let resets = entry.resetsAtMillis { json += #","resets_at":"\#(MessageView.time(resets))""# }
                return json + "}"
            }
            channels.append(#"{"channel":"\#(channel.rawValue)","windows":[\#(entries.joined(separator: ","))]}"#)
        }
        return JSONResponse.make(
            .ok, #"{"user_id":\#(JSONText.quoted(user)),"timezone":"\#(zone.identifier)","channels":[\#(channels.joined(separator: ","))]}"#)
    }
}
