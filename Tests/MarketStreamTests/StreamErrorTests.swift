import BNCCore
import Testing
@testable import MarketStream

/// MarketStream's errors end a tool through the one mapping (`ToolExit`): an unusable REST page is
/// bad data (65), a connection that cannot be kept is the exchange unavailable (69), a failed
/// stdout an I/O error (74) unless its reader went away (quiet 0).
@Suite("MarketStream errors: exit status and message")
struct StreamErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var error: any ToolError & Sendable
        var status: BNCCore.ExitStatus
        /// nil: a quiet success, no message.
        var message: String?
        var testDescription: String { message ?? "quiet" }
    }

    typealias Page = BackfillConverter.PageError<OutputError>

    static let cases: [Case] = [
        Case(error: BackfillConverter.ConversionError.notAnArray, status: .dataError,
             message: "REST answer: not a JSON array of trade objects"),
        Case(error: BackfillConverter.ConversionError.badElement("missing or mistyped \"qty\""), status: .dataError,
             message: "REST trade: missing or mistyped \"qty\""),
        Case(error: Page.conversion(.notAnArray), status: .dataError, message: "REST answer: not a JSON array of trade objects"),
        Case(error: Page.body(.writeFailed(errno: ENOSPC)), status: .ioError,
             message: "write failed: \(String(cString: strerror(ENOSPC)))"),
        Case(error: Page.body(.downstreamClosed), status: .success, message: nil),
        Case(error: LiveFeed.FeedError.connection(.closedByPeer), status: .unavailable,
             message: "connection closed by the server without a close frame"),
        Case(error: LiveFeed.FeedError.output(.writeFailed(errno: EIO)), status: .ioError,
             message: "stdout: write failed: \(String(cString: strerror(EIO)))"),
        Case(error: LiveFeed.FeedError.output(.downstreamClosed), status: .success, message: nil),
    ]

    @Test(arguments: cases)
    func statusAndMessage(_ c: Case) {
        #expect(ToolExit.status(for: c.error) == c.status)
        #expect(ToolExit.message(for: c.error) == c.message)
    }

    @Test("a failed write inside a REST page comes out as the write's error, not as a bad page")
    func bodyErrorPassesThroughTyped() {
        let page = #"[{"id":1,"price":"1.0","qty":"2.0","time":1700000000000,"isBuyerMaker":true,"isBestMatch":true}]"#
        let result = Array(page.utf8).withUnsafeBytes { json in
            Result { () throws(Page) in
                try BackfillConverter.convert(json, symbol: "BTCUSDT", kind: .trade) { (_, _) throws(OutputError) in
                    throw .writeFailed(errno: ENOSPC)
                }
            }
        }
        guard case .failure(.body(.writeFailed(let code))) = result else {
            Issue.record("expected the body's error, got \(result)")
            return
        }
        #expect(code == ENOSPC)
    }
}
