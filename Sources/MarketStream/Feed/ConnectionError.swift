import BNCCore

/// Why a connection ended or could not be opened. Every case leads to a reconnect (or, for the
/// rollover candidate, to another try later); none ends the tool by itself.
package enum ConnectionError: ToolError, Sendable {
    case connectFailed(String)
    case handshake(HandshakeError)
    case handshakeTimeout
    case protocolViolation(WebSocketProtocolError)
    case receiveFailed(String)
    case sendFailed(String)
    case closedByPeer
    case closeFrame(code: UInt16?, reason: String)
    case idle(milliseconds: Int64)

    package var description: String {
        switch self {
        case .connectFailed(let m): return "connect failed: \(m)"
        case .handshake(let e): return "handshake failed: \(e)"
        case .handshakeTimeout: return "handshake timed out"
        case .protocolViolation(let e): return "protocol error: \(e)"
        case .receiveFailed(let m): return "receive failed: \(m)"
        case .sendFailed(let m): return "send failed: \(m)"
        case .closedByPeer: return "connection closed by the server without a close frame"
        case .closeFrame(let code, let reason):
            return "server sent close" + (code.map { " \($0)" } ?? "") + (reason.isEmpty ? "" : " (\(reason))")
        case .idle(let ms): return "no frame for \(DurationText.format(ms)): connection presumed dead"
        }
    }

    /// Every connection failure that outlasts the retries means the exchange is unavailable.
    package var exitStatus: ExitStatus { .unavailable }

    /// Seconds the server asked us to wait (HTTP 429/418 with Retry-After on the upgrade).
    package var retryAfterSeconds: Int? {
        if case .handshake(.rejected(let status, let retryAfter)) = self, status == 429 || status == 418 {
            return retryAfter ?? 60
        }
        return nil
    }
}

enum DurationText {
    static func format(_ ms: Int64) -> String {
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
