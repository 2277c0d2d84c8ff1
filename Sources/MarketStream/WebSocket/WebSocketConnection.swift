import CCurl
import BNCCore

/// TLS settings shared by the WebSocket and REST handles. Verification is always on.
package struct TLSOptions: Sendable, Equatable {
    /// An extra CA certificate (PEM) trusted in addition to the system store.
    package var extraCAFile: String?
    /// The system's hashed CA directory, kept next to `extraCAFile` so adding a CA does not
    /// replace the system trust (CURLOPT_CAINFO alone would).
    package var systemCAPath: String

    package init(extraCAFile: String? = nil, systemCAPath: String = "/etc/ssl/certs") {
        self.extraCAFile = extraCAFile
        self.systemCAPath = systemCAPath
    }

    func apply(to handle: UnsafeMutableRawPointer) {
        _ = bnc_curl_setopt_long(handle, bnc_CURLOPT_SSL_VERIFYPEER, 1)
        _ = bnc_curl_setopt_long(handle, bnc_CURLOPT_SSL_VERIFYHOST, 2)
        if let extraCAFile {
            _ = bnc_curl_setopt_string(handle, bnc_CURLOPT_CAINFO, extraCAFile)
            _ = bnc_curl_setopt_string(handle, bnc_CURLOPT_CAPATH, systemCAPath)
        }
    }
}

/// One WebSocket client connection over a libcurl CONNECT_ONLY easy handle: libcurl does DNS, TCP
/// and TLS (always verified, HTTP/1.1 ALPN so no h2 is negotiated), we do the upgrade and RFC 6455.
/// Reads use `curl_easy_recv` first and `poll` only after `CURLE_AGAIN`, since TLS may hold
/// decrypted bytes the socket no longer shows. Lives on one thread.
final class WebSocketConnection {
    let endpoint: StreamEndpoint
    let reader: WebSocketReader
    private var handle: UnsafeMutableRawPointer?
    private(set) var socket: Int32 = -1
    /// Outlives every handle this connection creates (freed after `deinit`'s cleanup).
    private let errorBuffer = CurlErrorBuffer()
    private var closeSent = false

    init(endpoint: StreamEndpoint, maxMessageSize: Int) {
        self.endpoint = endpoint
        reader = WebSocketReader(role: .client, maxMessageSize: maxMessageSize)
    }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// Connects and upgrades, within `timeoutMilliseconds` overall.
    func open(tls: TLSOptions, timeoutMilliseconds: Int64, stop: () -> Bool) throws(ConnectionError) {
        guard let h = curl_easy_init() else { throw .connectFailed("curl_easy_init failed") }
        handle = h
        _ = bnc_curl_setopt_string(h, bnc_CURLOPT_URL, endpoint.curlURL)
        _ = bnc_curl_setopt_long(h, bnc_CURLOPT_CONNECT_ONLY, 1)
        _ = bnc_curl_setopt_long(h, bnc_CURLOPT_HTTP_VERSION, bnc_CURL_HTTP_VERSION_1_1)
        _ = bnc_curl_setopt_long(h, bnc_CURLOPT_NOSIGNAL, 1)
        _ = bnc_curl_setopt_long(h, bnc_CURLOPT_TCP_NODELAY, 1)
        _ = bnc_curl_setopt_long(h, bnc_CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, timeoutMilliseconds)))
        errorBuffer.attach(to: h)
        tls.apply(to: h)
        let deadline = MonotonicClock.nowMilliseconds() + timeoutMilliseconds
        let rc = curl_easy_perform(h)
        guard rc == CURLE_OK else { throw .connectFailed(curlMessage(rc)) }
        var fd: Int32 = -1
        _ = bnc_curl_active_socket(h, &fd)
        guard fd >= 0 else { throw .connectFailed("no socket after connect") }
        socket = fd

        let handshake = WebSocketHandshake(hostHeader: endpoint.hostHeader, target: endpoint.target)
        do throws(ConnectionError) {
            try send(Array(handshake.request.utf8))
        } catch { throw error }
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let parsed = head.withUnsafeBytes { b in Result { () throws(HandshakeError) in try WebSocketHandshake.parseResponse(b) } }
            let response: WebSocketHandshake.Response?
            switch parsed {
            case .success(let r): response = r
            case .failure(let e): throw .handshake(e)
            }
            if let response {
                do { try handshake.verify(response) } catch { throw .handshake(error) }
                if head.count > response.headLength {
                    head[response.headLength...].withUnsafeBytes { reader.append($0) }
                }
                return
            }
            let now = MonotonicClock.nowMilliseconds()
            if now >= deadline || stop() { throw .handshakeTimeout }
            var n = 0
            let code = chunk.withUnsafeMutableBytes { curl_easy_recv(h, $0.baseAddress, $0.count, &n) }
            if code == CURLE_AGAIN {
                waitReadable(timeoutMilliseconds: min(deadline - now, 100))
                continue
            }
            guard code == CURLE_OK else { throw .receiveFailed(curlMessage(code)) }
            guard n > 0 else { throw .closedByPeer }
            head.append(contentsOf: chunk[0..<n])
        }
    }

    enum ReceiveResult { case received(Int), wouldBlock }

    /// One `curl_easy_recv` into the reader's buffer.
    func receive() throws(ConnectionError) -> ReceiveResult {
        guard let h = handle else { throw .closedByPeer }
        let space = reader.writableSpace(minimum: 64 << 10)
        var n = 0
        let code = curl_easy_recv(h, space.baseAddress, space.count, &n)
        if code == CURLE_AGAIN { return .wouldBlock }
        guard code == CURLE_OK else { throw .receiveFailed(curlMessage(code)) }
        guard n > 0 else { throw .closedByPeer }
        reader.didWrite(n)
        return .received(n)
    }

    /// Sends all of `bytes`, looping over partial sends and waiting for the socket when needed.
    func send(_ bytes: [UInt8], timeoutMilliseconds: Int64 = 10_000) throws(ConnectionError) {
        guard let h = handle else { throw .sendFailed("not connected") }
        let deadline = MonotonicClock.nowMilliseconds() + timeoutMilliseconds
        var offset = 0
        while offset < bytes.count {
            var n = 0
            let code = bytes.withUnsafeBytes { curl_easy_send(h, $0.baseAddress! + offset, $0.count - offset, &n) }
            if code == CURLE_AGAIN {
                let left = deadline - MonotonicClock.nowMilliseconds()
                guard left > 0 else { throw .sendFailed("timed out") }
                var fds = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
                _ = poll(&fds, 1, Int32(min(left, 100)))
                continue
            }
            guard code == CURLE_OK else { throw .sendFailed(curlMessage(code)) }
            offset += n
        }
    }

    func sendPong(_ payload: UnsafeRawBufferPointer) throws(ConnectionError) {
        try send(WebSocketFrameEncoder.clientFrame(opcode: .pong, payload: Array(payload)))
    }

    /// Starts (or answers) the close handshake once; errors are ignored since we are leaving anyway.
    func sendPing(_ payload: [UInt8]) throws(ConnectionError) {
        try send(WebSocketFrameEncoder.clientFrame(opcode: .ping, payload: payload))
    }

    func sendText(_ text: [UInt8]) throws(ConnectionError) {
        try send(WebSocketFrameEncoder.clientFrame(opcode: .text, payload: text))
    }

    func sendClose(code: UInt16 = 1000, reason: String = "") {
        guard !closeSent, handle != nil, socket >= 0 else { return }
        closeSent = true
        try? send(WebSocketFrameEncoder.clientFrame(opcode: .close, payload: WebSocketFrameEncoder.closePayload(code: code, reason: reason)),
                  timeoutMilliseconds: 1000)
    }

    func waitReadable(timeoutMilliseconds: Int64) {
        var fds = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        _ = poll(&fds, 1, Int32(max(0, timeoutMilliseconds)))
    }

    /// Releases the handle (closing the socket) without a close frame.
    func drop() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
        socket = -1
    }

    private func curlMessage(_ code: CURLcode) -> String { errorBuffer.describe(code) }
}
