import BNCCore

/// Why the byte stream from the peer is not acceptable WebSocket (RFC 6455 §5). Every case ends the
/// connection: the feed reconnects instead of guessing.
package enum WebSocketProtocolError: ToolError, Sendable, Equatable {
    case reservedBitsSet
    case unknownOpcode(UInt8)
    case fragmentedControlFrame
    case controlFrameTooLong(Int)
    case invalidLength
    case frameTooLarge(UInt64, limit: Int)
    case messageTooLarge(Int, limit: Int)
    case maskedFrameFromServer
    case unmaskedFrameFromClient
    case unexpectedContinuation
    case interleavedDataFrame
    case invalidUTF8
    case invalidClosePayload

    package var description: String {
        switch self {
        case .reservedBitsSet: return "frame with reserved bits set (no extension was negotiated)"
        case .unknownOpcode(let op): return "frame with unknown opcode 0x\(String(op, radix: 16))"
        case .fragmentedControlFrame: return "fragmented control frame"
        case .controlFrameTooLong(let n): return "control frame of \(n) bytes (limit 125)"
        case .invalidLength: return "frame length with the most significant bit set"
        case .frameTooLarge(let n, let limit): return "frame of \(n) bytes over the \(limit)-byte cap"
        case .messageTooLarge(let n, let limit): return "message of \(n)+ bytes over the \(limit)-byte cap"
        case .maskedFrameFromServer: return "masked frame from the server"
        case .unmaskedFrameFromClient: return "unmasked frame from a client"
        case .unexpectedContinuation: return "continuation frame without a message to continue"
        case .interleavedDataFrame: return "new data frame while a fragmented message is unfinished"
        case .invalidUTF8: return "text message that is not valid UTF-8"
        case .invalidClosePayload: return "close frame with a malformed payload"
        }
    }

    /// The peer does not speak WebSocket: the service is unusable.
    package var exitStatus: ExitStatus { .unavailable }
}
