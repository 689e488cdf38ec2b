import CCurl
import Foundation
import HeraldCore
import HeraldProviders
import NIOPosix

/// Email through an SMTP relay, spoken by libcurl (`smtp://` with STARTTLS
/// when offered, `smtps://`, AUTH when a username is configured). Each message
/// is a proper MIME message (see `MIMEMessage`) whose Message-ID is recorded as
/// the provider id. Transfers block, so they run on a dedicated thread pool.
public struct SMTPProvider: ChannelProvider {
    public let name = SMTPRegistration.name
    public let channel = Channel.email
    let configuration: SMTPConfiguration
    let pool: NIOThreadPool

    /// Threads for concurrent SMTP transactions, shared by every SMTP provider of the process.
    static let sharedPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
        self.pool = Self.sharedPool
    }

    /// The message for one send: headers, text and HTML, List-Unsubscribe on marketing mail.
    func mime(for message: OutboundMessage, date: Date = Date()) -> MIMEMessage {
        var headers = [("X-Herald-Message-Id", message.id)]
        if message.category == .marketing, let links = configuration.unsubscribeLinks {
            headers.append(("List-Unsubscribe", "<" + links.url(channel: .email, recipient: message.to) + ">"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        return MIMEMessage(
            from: configuration.fromAddress, fromName: configuration.fromName, to: message.to,
            subject: message.subject ?? "", text: message.body, html: message.html,
            messageID: message.id + "@" + configuration.senderDomain, date: date, extraHeaders: headers)
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let mime = mime(for: message)
        let bytes = mime.rendered()
        let configuration = self.configuration
        let to = message.to
        do {
            let result = try await pool.runIfActive {
                CurlSMTPTransfer.send(bytes, from: configuration.fromAddress, to: to, configuration: configuration)
            }
            return Self.outcome(result, messageID: mime.messageID)
        } catch {
            return .retryable(code: "pool", message: "SMTP thread pool unavailable: \(error)", retryAfterMillis: nil)
        }
    }

    /// The server's reply code decides where there is one: 250 is accepted,
    /// 550/551/553 (mailbox unavailable, not local, name not allowed) an
    /// invalid recipient, other 5xx permanent, 4xx retried. Without one,
    /// connection trouble is retried and refused credentials are permanent.
    static func outcome(_ result: CurlSMTPTransfer.Result, messageID: String) -> SendOutcome {
        if result.curlCode == Int(CURLE_OK.rawValue) {
            return .accepted(providerMessageID: messageID, status: .delivered)
        }
        let code = result.replyCode > 0 ? "smtp_\(result.replyCode)" : "curl_\(result.curlCode)"
        let message = String(result.message.prefix(200))
        switch result.replyCode {
        case 550, 551, 553: return .invalidRecipient(code: code, message: message)
        case 400..<500: return .retryable(code: code, message: message, retryAfterMillis: nil)
        case 500..<600: return .permanent(code: code, message: message)
        default: break
        }
        if result.curlCode == Int(CURLE_LOGIN_DENIED.rawValue) || result.curlCode == Int(CURLE_USE_SSL_FAILED.rawValue) {
            return .permanent(code: code, message: message)
        }
        return .retryable(code: code, message: message, retryAfterMillis: nil)
    }
}
