import CCurl

/// One SMTP transaction through libcurl's easy interface: MAIL FROM, RCPT TO,
/// DATA with the rendered message. It blocks, so it only ever runs on the
/// SMTP thread pool, never on an event loop or the concurrency pool.
struct CurlSMTPTransfer {
    struct Result: Sendable, Equatable {
        /// libcurl's code (CURLE_OK is 0).
        var curlCode: Int
        /// The last SMTP reply code the server sent (250, 550, …), 0 if none.
        var replyCode: Int
        var message: String
    }

    /// `curl_global_init` once per process, before any transfer.
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// The bytes libcurl reads as the DATA payload.
    final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    static func send(_ message: [UInt8], from: String, to: String, configuration: SMTPConfiguration) -> Result {
        guard initialised, let handle = curl_easy_init() else {
            return Result(curlCode: Int(CURLE_FAILED_INIT.rawValue), replyCode: 0, message: "libcurl could not start")
        }
        defer { curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "<\(to)>")
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(message)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        herald_curl_set_string(handle, CURLOPT_URL, configuration.url + "/" + configuration.senderDomain)
        herald_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        herald_curl_set_long(handle, CURLOPT_TIMEOUT_MS, configuration.timeoutMillis)
        herald_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(configuration.timeoutMillis, 10_000))
        herald_curl_set_long(
            handle, CURLOPT_USE_SSL, Int(configuration.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
        if let caFile = configuration.caFile { herald_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
        if let username = configuration.username { herald_curl_set_string(handle, CURLOPT_USERNAME, username) }
        if let password = configuration.password { herald_curl_set_string(handle, CURLOPT_PASSWORD, password) }
        herald_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        herald_curl_set_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        herald_curl_set_long(handle, CURLOPT_UPLOAD, 1)
        herald_curl_set_long(handle, CURLOPT_INFILESIZE, message.count)
        herald_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        herald_curl_set_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            guard length > 0 else { return 0 }
            upload.bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
        let code = withExtendedLifetime(upload) {
            herald_curl_set_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
            return curl_easy_perform(handle)
        }
        recipients = nil
        var reply = 0
        herald_curl_response_code(handle, &reply)
        let detail = String(cString: errorBuffer)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return Result(curlCode: Int(code.rawValue), replyCode: reply, message: text)
    }
}
