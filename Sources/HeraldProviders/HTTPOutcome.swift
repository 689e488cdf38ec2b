import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// Classifications shared by HTTP-based adapters, so that every adapter treats
/// timeouts, 5xx and Retry-After alike.
public enum HTTPOutcome {
    /// Reads `Retry-After` as delta-seconds or an HTTP date, in milliseconds.
    public static func retryAfterMillis(_ headers: HTTPHeaders, nowMillis: Int64 = WallClock.nowMillis()) -> Int64? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return Int64(seconds * 1000) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, Int64(date.timeIntervalSince1970 * 1000) - nowMillis)
    }

    /// A transport failure (connect refused, timeout, reset) is always retryable:
    /// the provider may or may not have the message, and retrying is the
    /// at-least-once choice.
    public static func transportFailure(_ error: any Error) -> SendOutcome {
        .retryable(code: "transport", message: String(describing: error).prefix(200).description, retryAfterMillis: nil)
    }

    /// True when the request cannot have reached the provider (the connection
    /// was never made), so even a provider that is not idempotent can take it
    /// again. A timeout or reset after the request was written is ambiguous.
    public static func neverSent(_ error: any Error) -> Bool {
        if let error = error as? ProviderHTTPError {
            switch error {
            case .connectFailed, .invalidURL, .addressNotAllowed: return true
            case .connectionClosed, .timeout, .responseTooLarge: return false
            }
        }
        if let error = error as? HTTPClientError { return error == .connectTimeout }
        if error is NIOConnectionError { return true }
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }

    /// The transport failure of a provider that is not idempotent: when the
    /// request may have arrived, the next attempt waits `ambiguousDelayMillis`
    /// so that a receipt carrying Herald's id (Aliyun OutId, WeChat
    /// client_msg_id) can settle the message first; a settled message is never
    /// sent again.
    public static func transportFailure(_ error: any Error, ambiguousDelayMillis: Int64) -> SendOutcome {
        if neverSent(error) { return transportFailure(error) }
        return .retryable(
            code: "ambiguous_transport", message: String(describing: error).prefix(200).description,
            retryAfterMillis: ambiguousDelayMillis)
    }

    /// The default mapping of a status code the adapter has no finer rule for.
    public static func classify(status: UInt, headers: HTTPHeaders, code: String, message: String) -> SendOutcome {
        switch status {
        case 408, 425, 429, 500...599:
            return .retryable(code: code, message: message, retryAfterMillis: retryAfterMillis(headers))
        default:
            return .permanent(code: code, message: message)
        }
    }
}
