// The RFC 6455 frame decoder bnc-stream runs on every byte from the network. The first byte picks
// the size cap and the role; the rest arrives in pieces (as recv delivers it). Every message must
// respect the cap, text must be valid UTF-8, and a protocol error must leave a reader that can be
// reset and reused — never a crash, a hang, or an allocation beyond the cap.
import BNCCore
import MarketStream

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocketReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let cap = [16, 125, 126, 200, 1024, 65_535, 65_536, 1 << 20][Int(input[0] & 7)]
    let role: WebSocketReader.Role = input[0] & 8 == 0 ? .client : .server
    let pieceSize = Int(input[1] % 64) + 1
    let reader = WebSocketReader(role: role, maxMessageSize: cap, initialCapacity: 64)
    var offset = 2
    var errors = 0
    while offset < size {
        let n = min(pieceSize, size - offset)
        reader.append(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + n)]))
        offset += n
        var guardCount = 0
        while true {
            guardCount += 1
            precondition(guardCount < 100_000, "nextMessage loops without consuming input")
            do throws(WebSocketProtocolError) {
                guard let message = try reader.nextMessage() else { break }
                precondition(message.payload.count <= cap, "message over the cap")
                if case .text = message.kind {
                    precondition(String(validating: message.payload, as: UTF8.self) != nil, "invalid UTF-8 text delivered")
                }
                if case .ping = message.kind { precondition(message.payload.count <= 125 || message.payload.count <= cap) }
            } catch {
                _ = error.description
                errors += 1
                reader.reset()
                break
            }
        }
    }
    _ = errors
    return 0
}
