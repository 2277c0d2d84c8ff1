import Testing
@testable import MarketStream

@Suite("Opening handshake and stream endpoints")
struct HandshakeTests {
    @Test("Sec-WebSocket-Accept for the RFC 6455 §1.3 sample key")
    func acceptVector() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test("Random keys are 16 bytes of base64 and differ")
    func keys() {
        let a = WebSocketHandshake.randomKey(), b = WebSocketHandshake.randomKey()
        #expect(a.count == 24 && a.hasSuffix("=="))
        #expect(a != b)
    }

    @Test("Request carries the upgrade headers")
    func request() {
        let h = WebSocketHandshake(hostHeader: "stream.binance.com:9443", target: "/ws/btcusdt@trade", key: "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(h.request.hasPrefix("GET /ws/btcusdt@trade HTTP/1.1\r\nHost: stream.binance.com:9443\r\n"))
        #expect(h.request.contains("Upgrade: websocket\r\n"))
        #expect(h.request.contains("Sec-WebSocket-Version: 13\r\n"))
        #expect(h.request.hasSuffix("\r\n\r\n"))
    }

    private func parse(_ text: String) throws -> WebSocketHandshake.Response? {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { b in try WebSocketHandshake.parseResponse(b) }
    }

    @Test("101 with the right accept passes; wrong accept, missing upgrade and 429 fail")
    func verify() throws {
        let h = WebSocketHandshake(hostHeader: "h", target: "/", key: "dGhlIHNhbXBsZSBub25jZQ==")
        let ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\u{81}\u{0}"
        let r = try #require(try parse(ok))
        #expect(r.headLength == ok.utf8.count - "\u{81}\u{0}".utf8.count)
        try h.verify(r)

        let bad = try #require(try parse("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n"))
        #expect(throws: HandshakeError.badAccept("AAAA")) { try h.verify(bad) }
        let noUpgrade = try #require(try parse("HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"))
        #expect(throws: HandshakeError.missingUpgrade) { try h.verify(noUpgrade) }
        let limited = try #require(try parse("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"))
        #expect(throws: HandshakeError.rejected(status: 429, retryAfter: 7)) { try h.verify(limited) }
        #expect(ConnectionError.handshake(.rejected(status: 418, retryAfter: 120)).retryAfterSeconds == 120)
        #expect(ConnectionError.handshake(.rejected(status: 503, retryAfter: 5)).retryAfterSeconds == nil)
        #expect(try parse("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n") == nil)
        #expect(throws: HandshakeError.malformedResponse) { _ = try parse("SSH-2.0-OpenSSH\r\n\r\n") }
    }

    @Test("One symbol uses /ws, several the combined stream")
    func endpoints() throws {
        let one = try StreamEndpoint(endpoint: "wss://stream.binance.com:9443", symbols: ["BTCUSDT"], kind: .trade)
        #expect(one.target == "/ws/btcusdt@trade")
        #expect(one.curlURL == "https://stream.binance.com:9443/")
        #expect(one.hostHeader == "stream.binance.com:9443")
        let two = try StreamEndpoint(endpoint: "wss://data-stream.binance.vision", symbols: ["btcusdt", "EthUsdt"], kind: .aggTrade)
        #expect(two.target == "/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade")
        #expect(two.port == 443 && two.hostHeader == "data-stream.binance.vision")
        let plain = try StreamEndpoint(endpoint: "ws://127.0.0.1:8080/", symbols: ["x1"], kind: .trade)
        #expect(plain.curlURL == "http://127.0.0.1:8080/" && plain.target == "/ws/x1@trade")
        #expect(throws: StreamConfigurationError.badEndpoint("https://x")) { try StreamEndpoint(endpoint: "https://x", symbols: ["a"], kind: .trade) }
        #expect(throws: StreamConfigurationError.badSymbol("btc/usdt")) { try StreamEndpoint(endpoint: "ws://x", symbols: ["btc/usdt"], kind: .trade) }
        let many = (0..<1025).map { "s\($0)" }
        #expect(throws: StreamConfigurationError.tooManySymbols(1025)) { try StreamEndpoint(endpoint: "ws://x", symbols: many, kind: .trade) }
        #expect(try StreamEndpoint(endpoint: "ws://x", symbols: Array(many.prefix(1024)), kind: .trade).target.hasPrefix("/stream?streams=s0@trade/"))
    }
}
