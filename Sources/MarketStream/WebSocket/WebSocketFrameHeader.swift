/// The fixed part of one frame (RFC 6455 §5.2), parsed from the front of a byte buffer.
package struct WebSocketFrameHeader: Sendable, Equatable {
    package var fin: Bool
    package var opcode: WebSocketOpcode
    /// The masking key as the four bytes appear on the wire, nil for an unmasked frame.
    package var maskKey: (UInt8, UInt8, UInt8, UInt8)?
    /// Bytes of header before the payload: 2, 4 or 10, plus 4 when masked.
    package var headerLength: Int
    package var payloadLength: Int

    package var frameLength: Int { headerLength + payloadLength }

    package init(fin: Bool, opcode: WebSocketOpcode, maskKey: (UInt8, UInt8, UInt8, UInt8)?, headerLength: Int, payloadLength: Int) {
        self.fin = fin
        self.opcode = opcode
        self.maskKey = maskKey
        self.headerLength = headerLength
        self.payloadLength = payloadLength
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.fin == b.fin && a.opcode == b.opcode && a.headerLength == b.headerLength && a.payloadLength == b.payloadLength
            && a.maskKey.map { [$0.0, $0.1, $0.2, $0.3] } == b.maskKey.map { [$0.0, $0.1, $0.2, $0.3] }
    }

    /// Parses the header at the start of `bytes`. Returns nil when `bytes` does not yet hold the
    /// whole header; throws when the header is invalid or announces a payload over `maxPayload`,
    /// which is checked before any payload byte is buffered, so a hostile length never allocates.
    package static func parse(_ bytes: UnsafeRawBufferPointer, maxPayload: Int) throws(WebSocketProtocolError) -> WebSocketFrameHeader? {
        guard bytes.count >= 2 else { return nil }
        let b0 = bytes[0], b1 = bytes[1]
        guard b0 & 0x70 == 0 else { throw .reservedBitsSet }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else { throw .unknownOpcode(b0 & 0x0F) }
        let fin = b0 & 0x80 != 0
        let masked = b1 & 0x80 != 0
        var length = UInt64(b1 & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = UInt64(bytes[2]) << 8 | UInt64(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = 0
            for i in 2..<10 { length = length << 8 | UInt64(bytes[i]) }
            guard length >> 63 == 0 else { throw .invalidLength }
            offset = 10
        }
        if opcode.isControl {
            guard fin else { throw .fragmentedControlFrame }
            guard length <= 125 else { throw .controlFrameTooLong(Int(length)) }
        }
        guard length <= UInt64(maxPayload) else { throw .frameTooLarge(length, limit: maxPayload) }
        var key: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            guard bytes.count >= offset + 4 else { return nil }
            key = (bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
            offset += 4
        }
        return WebSocketFrameHeader(fin: fin, opcode: opcode, maskKey: key, headerLength: offset, payloadLength: Int(length))
    }
}
