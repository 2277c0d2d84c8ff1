/// What the reader hands out: a whole data message (fragments joined) or one control frame.
/// `payload` points into the reader's storage and is valid only until the reader is next used.
package struct WebSocketMessage {
    package enum Kind: Sendable, Equatable {
        case text, binary, ping, pong
        /// `code` is nil for an empty close payload.
        case close(code: UInt16?)
    }

    package var kind: Kind
    package var payload: UnsafeRawBufferPointer
}
