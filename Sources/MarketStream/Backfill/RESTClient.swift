import BNCCore
import CCurl

/// A blocking HTTP GET over one reused libcurl handle (keep-alive between backfill pages).
final class RESTClient {
    struct Response {
        var status: Int
        var body: [UInt8]
        var retryAfterSeconds: Int?
    }

    private let handle: UnsafeMutableRawPointer?
    /// Lives as long as `handle` (freed after `deinit`'s cleanup).
    private let errorBuffer = CurlErrorBuffer()
    static let bodyLimit = 16 << 20

    init(tls: TLSOptions, timeoutMilliseconds: Int64 = 30_000) {
        handle = curl_easy_init()
        if let h = handle {
            _ = bnc_curl_setopt_long(h, bnc_CURLOPT_NOSIGNAL, 1)
            _ = bnc_curl_setopt_long(h, bnc_CURLOPT_CONNECTTIMEOUT_MS, 10_000)
            _ = bnc_curl_setopt_long(h, bnc_CURLOPT_TIMEOUT_MS, Int(timeoutMilliseconds))
            _ = bnc_curl_setopt_string(h, bnc_CURLOPT_ACCEPT_ENCODING, "")
            _ = bnc_curl_setopt_string(h, bnc_CURLOPT_USERAGENT, "bnc-stream")
            _ = bnc_curl_setopt_string(h, bnc_CURLOPT_PROTOCOLS_STR, "http,https")
            errorBuffer.attach(to: h)
            tls.apply(to: h)
        }
    }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// The response, or a message saying why there is none.
    func get(_ url: String) -> Result<Response, RESTError> {
        guard let h = handle else { return .failure(.transport("curl_easy_init failed")) }
        errorBuffer.clear()
        var raw = bnc_http_response()
        defer { bnc_http_response_free(&raw) }
        let rc = bnc_http_get(h, url, Self.bodyLimit, &raw)
        guard rc == CURLE_OK else {
            return .failure(.transport(errorBuffer.describe(rc)))
        }
        let body = raw.length > 0 ? Array(UnsafeRawBufferPointer(start: raw.body, count: raw.length)) : []
        return .success(Response(status: raw.status, body: body, retryAfterSeconds: raw.retry_after_seconds >= 0 ? raw.retry_after_seconds : nil))
    }
}

enum RESTError: ToolError {
    case transport(String)
    var description: String {
        switch self { case .transport(let m): return m }
    }
    var exitStatus: ExitStatus { .unavailable }
}
