import BNCCore
import Testing
@testable import MarketStream

@Suite("libcurl's error buffer lives with the handle")
struct CurlErrorBufferTests {
    @Test func aFreshBufferIsEmpty() {
        let buffer = CurlErrorBuffer()
        #expect(buffer.message.isEmpty)
    }

    /// A refused loopback connection: libcurl writes its detail into the buffer during
    /// `curl_easy_perform`, long after `attach` returned; the message must come back intact, and
    /// again on a second request over the same handle.
    @Test func aFailedRequestReportsLibcurlsDetail() {
        let client = RESTClient(tls: TLSOptions(), timeoutMilliseconds: 5_000)
        for _ in 0..<2 {
            guard case .failure(.transport(let message)) = client.get("http://127.0.0.1:1/") else {
                Issue.record("port 1 should refuse the connection")
                return
            }
            #expect(message.hasPrefix("Couldn't connect to server"))
            #expect(message.contains(": "))   // libcurl's own detail, from the error buffer
        }
    }

    @Test func connectionErrorsMeanTheServiceIsUnavailable() {
        #expect(ConnectionError.closedByPeer.exitStatus == .unavailable)
        #expect(ConnectionError.handshake(.missingUpgrade).exitStatus == .unavailable)
        #expect(StreamConfigurationError.badSymbol("x-y").exitStatus == .usage)
        #expect(ToolExit.message(for: StreamConfigurationError.tooManySymbols(2000))?.contains("2000 symbols") == true)
    }
}
