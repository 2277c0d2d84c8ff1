import CCurl
import BNCCore

/// Why the HTTP upgrade did not produce a WebSocket (RFC 6455 §4.1).
package enum HandshakeError: ToolError, Sendable, Equatable {
    /// The server answered with a status other than 101; `retryAfter` in seconds when it said.
    case rejected(status: Int, retryAfter: Int?)
    case malformedResponse
    case responseTooLarge
    case missingUpgrade
    case badAccept(String?)

    package var description: String {
        switch self {
        case .rejected(let status, let retryAfter):
            return "upgrade refused with HTTP \(status)" + (retryAfter.map { " (Retry-After \($0) s)" } ?? "")
        case .malformedResponse: return "malformed HTTP response to the upgrade"
        case .responseTooLarge: return "HTTP response headers over 16 KiB"
        case .missingUpgrade: return "response lacks Upgrade: websocket / Connection: Upgrade"
        case .badAccept(let v): return "Sec-WebSocket-Accept \(v.map { "\"\($0)\"" } ?? "missing") does not match the key"
        }
    }

    /// The exchange would not give us a stream.
    package var exitStatus: ExitStatus { .unavailable }
}

/// The opening handshake: the client's upgrade request and the check of the server's answer.
package struct WebSocketHandshake: Sendable {
    package static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    package static let maxResponseHeaderBytes = 16 << 10

    /// `host[:port]` as it goes into the Host header.
    package var hostHeader: String
    /// Request target: path and query.
    package var target: String
    /// Base64 of 16 random bytes.
    package var key: String

    package init(hostHeader: String, target: String, key: String = WebSocketHandshake.randomKey()) {
        self.hostHeader = hostHeader
        self.target = target
        self.key = key
    }

    package static func randomKey() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<16 { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
        return Base64.encode(bytes)
    }

    package var request: String {
        "GET \(target) HTTP/1.1\r\n"
            + "Host: \(hostHeader)\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "User-Agent: bnc-stream\r\n"
            + "\r\n"
    }

    /// base64(SHA-1(key + GUID)) — what the server must echo in Sec-WebSocket-Accept.
    package static func acceptValue(forKey key: String) -> String {
        let input = Array((key + guid).utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        input.withUnsafeBytes { bnc_sha1($0.baseAddress, $0.count, &digest) }
        return Base64.encode(digest)
    }

    /// A parsed HTTP response head.
    package struct Response: Sendable, Equatable {
        package var status: Int
        /// Header names lower-cased; repeated headers joined with ", ".
        package var headers: [String: String]
        /// Bytes of the head including the blank line; what follows are frames.
        package var headLength: Int
    }

    /// Parses the response head from the front of `bytes`; nil while the blank line is missing.
    package static func parseResponse(_ bytes: UnsafeRawBufferPointer) throws(HandshakeError) -> Response? {
        var headEnd: Int?
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
                headEnd = i; break
            }
        }
        guard let headEnd else {
            if bytes.count > maxResponseHeaderBytes { throw .responseTooLarge }
            return nil
        }
        let head = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<headEnd]), as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw .malformedResponse }
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw .malformedResponse
        }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedResponse }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimming(" \t")
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        return Response(status: status, headers: headers, headLength: headEnd + 4)
    }

    /// Checks a response against this request: 101, the upgrade headers, and the accept value.
    package func verify(_ response: Response) throws(HandshakeError) {
        guard response.status == 101 else {
            let retryAfter = response.headers["retry-after"].flatMap { Int($0.trimming(" ")) }
            throw .rejected(status: response.status, retryAfter: retryAfter)
        }
        guard response.headers["upgrade"]?.lowercased() == "websocket",
              let connection = response.headers["connection"]?.lowercased(),
              connection.split(separator: ",").contains(where: { $0.trimming(" ") == "upgrade" })
        else { throw .missingUpgrade }
        let accept = response.headers["sec-websocket-accept"]
        guard accept == Self.acceptValue(forKey: key) else { throw .badAccept(accept) }
    }
}

/// Standard base64 (RFC 4648 §4) with padding; just enough for the handshake.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], alphabet[Int((v >> 6) & 63)], alphabet[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], alphabet[Int((v >> 6) & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
