/// Turns the received byte stream into messages (RFC 6455 §5.4–5.6): buffers partial frames,
/// joins fragments, hands out control frames as they come (also between fragments), validates
/// UTF-8 of text messages and close reasons, and enforces the size cap on every frame and message
/// before buffering it, so a peer can never make us allocate more than about twice the cap.
///
/// The common case — an unfragmented unmasked text frame — is handed out in place, without a copy.
/// One owner, one thread.
package final class WebSocketReader {
    package enum Role: Sendable { case client, server }

    package let role: Role
    package let maxMessageSize: Int

    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0

    private var assembly: UnsafeMutableRawPointer?
    private var assemblyCapacity = 0
    private var assemblyCount = 0
    private var assemblyOpcode: WebSocketOpcode?

    /// - Parameters:
    ///   - role: `.client` expects unmasked frames (a masked one is an error), `.server` masked ones.
    ///   - maxMessageSize: cap for a frame payload and for a reassembled message (default 1 MiB).
    package init(role: Role = .client, maxMessageSize: Int = 1 << 20, initialCapacity: Int = 256 << 10) {
        self.role = role
        self.maxMessageSize = maxMessageSize
        capacity = max(initialCapacity, 1024)
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
        assembly?.deallocate()
    }

    /// Bytes received but not yet consumed as frames.
    package var bufferedByteCount: Int { end - start }

    /// Room to receive at least `minimum` more bytes into; call `didWrite` with what was stored.
    package func writableSpace(minimum: Int = 16 << 10) -> UnsafeMutableRawBufferPointer {
        if capacity - end < minimum {
            if start > 0 {
                let live = end - start
                if live > 0 { (storage + 0).copyMemory(from: storage + start, byteCount: live) }
                start = 0
                end = live
            }
            if capacity - end < minimum {
                var newCapacity = capacity
                while newCapacity - end < minimum { newCapacity *= 2 }
                let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
                grown.copyMemory(from: storage, byteCount: end)
                storage.deallocate()
                storage = grown
                capacity = newCapacity
            }
        }
        return UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end)
    }

    package func didWrite(_ count: Int) {
        precondition(count >= 0 && end + count <= capacity)
        end += count
    }

    /// Copies `bytes` in (tests, and bytes that arrived together with the handshake response).
    package func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let space = writableSpace(minimum: bytes.count)
        space.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        didWrite(bytes.count)
    }

    package func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// The next complete message or control frame, nil when more bytes are needed.
    package func nextMessage() throws(WebSocketProtocolError) -> WebSocketMessage? {
        while true {
            let available = UnsafeRawBufferPointer(start: storage + start, count: end - start)
            guard let header = try WebSocketFrameHeader.parse(available, maxPayload: maxMessageSize) else { return nil }
            switch (role, header.maskKey) {
            case (.client, .some): throw .maskedFrameFromServer
            case (.server, .none): throw .unmaskedFrameFromClient
            default: break
            }
            guard available.count >= header.frameLength else {
                // Make sure the whole frame will fit; the cap was checked by `parse`.
                if capacity < header.frameLength { _ = writableSpace(minimum: header.frameLength - (end - start)) }
                return nil
            }
            let payloadStart = storage + start + header.headerLength
            if let key = header.maskKey {
                Self.unmask(UnsafeMutableRawBufferPointer(start: payloadStart, count: header.payloadLength), key: key)
            }
            let payload = UnsafeRawBufferPointer(start: payloadStart, count: header.payloadLength)
            start += header.frameLength
            if start == end { start = 0; end = 0 }   // next receive starts at the front; payload stays intact

            switch header.opcode {
            case .ping: return WebSocketMessage(kind: .ping, payload: payload)
            case .pong: return WebSocketMessage(kind: .pong, payload: payload)
            case .close:
                if payload.count == 0 { return WebSocketMessage(kind: .close(code: nil), payload: payload) }
                guard payload.count >= 2 else { throw .invalidClosePayload }
                let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
                let reason = UnsafeRawBufferPointer(rebasing: payload[2...])
                guard UTF8Validator.isValid(reason) else { throw .invalidClosePayload }
                return WebSocketMessage(kind: .close(code: code), payload: reason)
            case .text, .binary:
                guard assemblyOpcode == nil else { throw .interleavedDataFrame }
                if header.fin {
                    if header.opcode == .text, !UTF8Validator.isValid(payload) { throw .invalidUTF8 }
                    return WebSocketMessage(kind: header.opcode == .text ? .text : .binary, payload: payload)
                }
                assemblyOpcode = header.opcode
                assemblyCount = 0
                try appendFragment(payload)
            case .continuation:
                guard let opcode = assemblyOpcode else { throw .unexpectedContinuation }
                try appendFragment(payload)
                if header.fin {
                    assemblyOpcode = nil
                    let message = UnsafeRawBufferPointer(start: assembly, count: assemblyCount)
                    if opcode == .text, !UTF8Validator.isValid(message) { throw .invalidUTF8 }
                    return WebSocketMessage(kind: opcode == .text ? .text : .binary, payload: message)
                }
            }
        }
    }

    /// Forgets everything buffered (after a protocol error the connection is dropped anyway).
    package func reset() {
        start = 0; end = 0; assemblyCount = 0; assemblyOpcode = nil
    }

    private func appendFragment(_ payload: UnsafeRawBufferPointer) throws(WebSocketProtocolError) {
        let total = assemblyCount + payload.count
        guard total <= maxMessageSize else { throw .messageTooLarge(total, limit: maxMessageSize) }
        if total > assemblyCapacity {
            var newCapacity = max(assemblyCapacity, 4096)
            while newCapacity < total { newCapacity *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if let assembly { grown.copyMemory(from: assembly, byteCount: assemblyCount); assembly.deallocate() }
            assembly = grown
            assemblyCapacity = newCapacity
        }
        if payload.count > 0 { (assembly! + assemblyCount).copyMemory(from: payload.baseAddress!, byteCount: payload.count) }
        assemblyCount = total
    }

    static func unmask(_ bytes: UnsafeMutableRawBufferPointer, key: (UInt8, UInt8, UInt8, UInt8)) {
        let k = [key.0, key.1, key.2, key.3]
        for i in 0..<bytes.count { bytes[i] ^= k[i & 3] }
    }
}
