import BNCCore
import BNCWire
import Testing

/// BNCWire's errors end a tool through the one mapping (`ToolExit`): a line that is not a trade
/// or not a window row is bad input data, exit 65, and the message is the error's description.
@Suite("BNCWire errors: exit status and message")
struct WireErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var error: any ToolError & Sendable
        var status: BNCCore.ExitStatus
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(error: TradeLineError.syntax(.notAnObject), status: .dataError, message: "not a JSON object"),
        Case(error: TradeLineError.notATrade(eventType: "depthUpdate"), status: .dataError,
             message: "not a trade event (e = \"depthUpdate\")"),
        Case(error: TradeLineError.missingField("T"), status: .dataError, message: "missing field \"T\" (trade time)"),
        Case(error: TradeLineError.wrongType(field: "p", expected: "a string"), status: .dataError,
             message: "field \"p\" (price) must be a string"),
        Case(error: TradeLineError.oversized(length: 5 << 20), status: .dataError,
             message: "line of \(5 << 20) bytes exceeds the \(WireLimits.maxLineLength >> 20) MiB limit"),
        Case(error: WindowRowError.json(.notAnObject), status: .dataError, message: "not a JSON object"),
        Case(error: WindowRowError.missingKey("symbol"), status: .dataError, message: "missing key \"symbol\""),
        Case(error: WindowRowError.wrongType("trade_count"), status: .dataError, message: "key \"trade_count\" has the wrong type"),
    ]

    @Test(arguments: cases)
    func statusAndMessage(_ c: Case) {
        #expect(ToolExit.status(for: c.error) == c.status)
        #expect(ToolExit.message(for: c.error) == c.message)
    }
}
