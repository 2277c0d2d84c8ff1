import Testing
import MarketStream

/// Stream messages that libFuzzer (scripts/fuzz.sh, target TradeMessage) found to be classified
/// wrongly; run in child processes where a trap is possible.
@Suite("Stream messages: fuzz regressions")
struct TradeMessageFuzzRegressionTests {
    static func inspect(_ text: String) -> TradeMessage {
        var text = text
        return text.withUTF8 { TradeMessage.inspect(UnsafeRawBufferPointer($0)) }
    }

    /// A negative id is no Binance trade id; taken as one it becomes the ledger's last id, and a
    /// later id near Int64.max makes the gap `(last + 1)..<id` overflow Int when counted.
    @Test("a negative trade id is an invalid message, not a trade")
    func negativeID() {
        let message = Self.inspect(#"{"e":"trade","E":1,"s":"BTCUSDT","t":-2,"p":"1","q":"1","T":1,"m":true}"#)
        guard case .invalid = message.kind else {
            Issue.record("classified as \(message.kind) with id \(message.id)")
            return
        }
    }

    @Test("ids up to Int64.max are still trades")
    func largestID() {
        let message = Self.inspect(#"{"e":"trade","s":"BTCUSDT","t":9223372036854775807}"#)
        #expect(message.kind == .trade)
        #expect(message.id == Int64.max)
    }
}
