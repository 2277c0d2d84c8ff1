// The HTTP upgrade response parser and its check: arbitrary bytes from whatever answered the
// connection (a proxy, an error page, a hostile server). The head length must lie inside the
// input, and verify must only ever accept a 101 with the right accept value.
import BNCCore
import MarketStream

private let handshake = WebSocketHandshake(hostHeader: "localhost:9443", target: "/ws/btcusdt@trade",
                                           key: "dGhlIHNhbXBsZSBub25jZQ==")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocketHandshake(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do throws(HandshakeError) {
        guard let response = try WebSocketHandshake.parseResponse(bytes) else { return 0 }
        precondition(response.headLength >= 4 && response.headLength <= size, "head length outside the input")
        do throws(HandshakeError) {
            try handshake.verify(response)
            precondition(response.status == 101)
            precondition(response.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        } catch {
            _ = error.description
        }
    } catch {
        _ = error.description
    }
    return 0
}
