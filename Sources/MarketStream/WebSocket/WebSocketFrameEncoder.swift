/// Builds frames (RFC 6455 §5.2). Clients mask every frame they send (§5.3) with a fresh key.
package enum WebSocketFrameEncoder {
    /// Appends one frame carrying `payload` to `out`, using the shortest length encoding
    /// (7, 16 or 64 bits) and masking the payload with `maskKey` when given.
    package static func append(
        opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, fin: Bool = true,
        maskKey: (UInt8, UInt8, UInt8, UInt8)?, to out: inout [UInt8]
    ) {
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        let n = payload.count
        if n < 126 {
            out.append(maskBit | UInt8(n))
        } else if n <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(n >> 8)); out.append(UInt8(n & 0xFF))
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((UInt64(n) >> UInt64(shift)) & 0xFF)) }
        }
        if let k = maskKey {
            out.append(k.0); out.append(k.1); out.append(k.2); out.append(k.3)
            let key = [k.0, k.1, k.2, k.3]
            for i in 0..<n { out.append(payload[i] ^ key[i & 3]) }
        } else {
            out.append(contentsOf: payload)
        }
    }

    /// One frame as a new array.
    package static func frame(
        opcode: WebSocketOpcode, payload: some Collection<UInt8>, fin: Bool = true,
        maskKey: (UInt8, UInt8, UInt8, UInt8)?
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 14)
        let bytes = Array(payload)
        bytes.withUnsafeBytes { append(opcode: opcode, payload: $0, fin: fin, maskKey: maskKey, to: &out) }
        return out
    }

    /// A client frame with a random masking key.
    package static func clientFrame(opcode: WebSocketOpcode, payload: some Collection<UInt8>) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let r = rng.next() as UInt32
        let key = (UInt8(r >> 24), UInt8((r >> 16) & 0xFF), UInt8((r >> 8) & 0xFF), UInt8(r & 0xFF))
        return frame(opcode: opcode, payload: payload, maskKey: key)
    }

    /// The payload of a close frame: a 2-byte status code and an optional UTF-8 reason.
    package static func closePayload(code: UInt16, reason: String = "") -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(123))
    }
}
