import BNCCore
import Testing
@testable import MarketStream

/// Frames as a server sends them (unmasked) or a client (masked), fed to the reader in pieces.
private func serverFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
    WebSocketFrameEncoder.frame(opcode: opcode, payload: payload, fin: fin, maskKey: nil)
}

private struct Received: Equatable {
    var kind: WebSocketMessage.Kind
    var payload: [UInt8]
}

private func drain(_ reader: WebSocketReader) throws -> [Received] {
    var out: [Received] = []
    while let m = try reader.nextMessage() { out.append(Received(kind: m.kind, payload: Array(m.payload))) }
    return out
}

@Suite("RFC 6455 frame codec")
struct WebSocketCodecTests {
    @Test("7-, 16- and 64-bit lengths round-trip, masked and unmasked", arguments: [0, 1, 125, 126, 127, 65535, 65536, 300_000])
    func lengths(size: Int) throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let plain = serverFrame(.binary, payload)
        let expectedHeader = size < 126 ? 2 : (size <= 65535 ? 4 : 10)
        #expect(plain.count == expectedHeader + size)
        if size >= 126 { #expect(plain[1] & 0x7F == (size <= 65535 ? 126 : 127)) }
        let reader = WebSocketReader(role: .client)
        reader.append(plain)
        #expect(try drain(reader) == [Received(kind: .binary, payload: payload)])

        let masked = WebSocketFrameEncoder.frame(opcode: .binary, payload: payload, maskKey: (0x37, 0xFA, 0x21, 0x3D))
        #expect(masked.count == expectedHeader + 4 + size)
        #expect(masked[1] & 0x80 != 0)
        if size > 0 { #expect(Array(masked[(expectedHeader + 4)...]) != payload || payload.allSatisfy { $0 == 0 } == false) }
        let server = WebSocketReader(role: .server)
        server.append(masked)
        #expect(try drain(server) == [Received(kind: .binary, payload: payload)])
    }

    @Test("RFC 6455 §5.7 examples: masked \"Hello\" and 256-byte binary")
    func rfcExamples() throws {
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        #expect(WebSocketFrameEncoder.frame(opcode: .text, payload: Array("Hello".utf8), maskKey: (0x37, 0xfa, 0x21, 0x3d)) == masked)
        let server = WebSocketReader(role: .server)
        server.append(masked)
        #expect(try drain(server) == [Received(kind: .text, payload: Array("Hello".utf8))])
        let unmaskedHello: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        #expect(serverFrame(.text, Array("Hello".utf8)) == unmaskedHello)
        #expect(Array(serverFrame(.binary, [UInt8](repeating: 1, count: 256)).prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(Array(serverFrame(.binary, [UInt8](repeating: 1, count: 65536)).prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test("Byte-at-a-time delivery yields the same messages")
    func partialFrames() throws {
        var stream: [UInt8] = []
        let texts = ["{\"e\":\"trade\"}", String(repeating: "x", count: 70_000), "é€𝄞"]
        for t in texts { stream += serverFrame(.text, Array(t.utf8)) }
        let reader = WebSocketReader(role: .client)
        var got: [Received] = []
        for b in stream {
            reader.append([b])
            got += try drain(reader)
        }
        #expect(got.map { String(decoding: $0.payload, as: UTF8.self) } == texts)
    }

    @Test("Fragmented message with ping, pong and close frames between the fragments")
    func fragmentsWithControlFrames() throws {
        let reader = WebSocketReader(role: .client)
        reader.append(serverFrame(.text, Array("{\"a\":".utf8), fin: false))
        reader.append(serverFrame(.ping, [1, 2, 3]))
        reader.append(serverFrame(.continuation, Array("12".utf8), fin: false))
        reader.append(serverFrame(.pong, []))
        // A multi-byte character split across fragments is fine: UTF-8 is checked on the whole message.
        let euro = Array("€".utf8)
        reader.append(serverFrame(.continuation, [euro[0]], fin: false))
        reader.append(serverFrame(.continuation, Array(euro[1...]) + Array("}".utf8), fin: true))
        reader.append(serverFrame(.close, WebSocketFrameEncoder.closePayload(code: 1001, reason: "bye")))
        #expect(try drain(reader) == [
            Received(kind: .ping, payload: [1, 2, 3]),
            Received(kind: .pong, payload: []),
            Received(kind: .text, payload: Array("{\"a\":12€}".utf8)),
            Received(kind: .close(code: 1001), payload: Array("bye".utf8)),
        ])
    }

    @Test("Protocol violations are errors", arguments: [
        ([0x91, 0x00], WebSocketProtocolError.reservedBitsSet),                 // RSV1
        ([0x83, 0x00], WebSocketProtocolError.unknownOpcode(3)),
        ([0x8F, 0x03, 0x61, 0x62, 0x63], WebSocketProtocolError.unknownOpcode(0xF)),
        ([0x09, 0x00], WebSocketProtocolError.fragmentedControlFrame),         // ping without FIN
        ([0x89, 0x7E, 0x00, 0x80], WebSocketProtocolError.controlFrameTooLong(128)),
        ([0x80, 0x01, 0x61], WebSocketProtocolError.unexpectedContinuation),
        ([0x81, 0x81, 1, 2, 3, 4, 0x61], WebSocketProtocolError.maskedFrameFromServer),
        ([0x81, 0x02, 0xC3, 0x28], WebSocketProtocolError.invalidUTF8),
        ([0x88, 0x01, 0x03], WebSocketProtocolError.invalidClosePayload),
        ([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], WebSocketProtocolError.invalidLength),
    ] as [([UInt8], WebSocketProtocolError)])
    func violations(bytes: [UInt8], expected: WebSocketProtocolError) {
        let reader = WebSocketReader(role: .client)
        reader.append(bytes)
        #expect(throws: expected) { _ = try drain(reader) }
    }

    @Test("A new data frame inside a fragmented message is an error")
    func interleavedData() {
        let reader = WebSocketReader(role: .client)
        reader.append(serverFrame(.text, Array("ab".utf8), fin: false))
        reader.append(serverFrame(.text, Array("cd".utf8)))
        #expect(throws: WebSocketProtocolError.interleavedDataFrame) { _ = try drain(reader) }
    }

    @Test("Oversize: a frame header over the cap fails before its payload arrives; so does a long fragmented message")
    func oversize() throws {
        let reader = WebSocketReader(role: .client, maxMessageSize: 1 << 20)
        // 2 MiB announced, only the header sent: rejected without buffering anything.
        reader.append([0x81, 0x7F] + withUnsafeBytes(of: UInt64(2 << 20).bigEndian, Array.init))
        #expect(throws: WebSocketProtocolError.frameTooLarge(2 << 20, limit: 1 << 20)) { _ = try drain(reader) }
        #expect(reader.bufferedByteCount == 10)

        let fragmented = WebSocketReader(role: .client, maxMessageSize: 1000)
        fragmented.append(serverFrame(.text, [UInt8](repeating: 0x61, count: 600), fin: false))
        fragmented.append(serverFrame(.continuation, [UInt8](repeating: 0x61, count: 600), fin: true))
        #expect(throws: WebSocketProtocolError.messageTooLarge(1200, limit: 1000)) { _ = try drain(fragmented) }

        // Exactly at the cap is fine.
        let atCap = WebSocketReader(role: .client, maxMessageSize: 1 << 20)
        atCap.append(serverFrame(.binary, [UInt8](repeating: 7, count: 1 << 20)))
        #expect(try drain(atCap).first?.payload.count == 1 << 20)
    }

    @Test("Garbage bytes never crash the reader", arguments: 0..<20)
    func garbage(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let reader = WebSocketReader(role: .client, maxMessageSize: 4096)
        reader.append(bytes)
        // Either an error or some messages, then waiting for more: never a trap, never a huge buffer.
        _ = try? drain(reader)
        #expect(reader.bufferedByteCount <= 512)
    }

    @Test("UTF-8 validation follows RFC 3629")
    func utf8() {
        let good = ["", "plain ascii", "é", "€", "𝄞", "日本語", String(repeating: "a", count: 1000) + "é"]
        for s in good { #expect(UTF8Validator.isValid(Array(s.utf8)), "\(s)") }
        let bad: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                              [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xFF],
                              Array("abcdefgh".utf8) + [0xC3]]
        for b in bad { #expect(!UTF8Validator.isValid(b), "\(b)") }
    }
}

