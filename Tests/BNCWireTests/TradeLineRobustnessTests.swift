import Testing
@testable import BNCWire

/// Issue 11: trade lines a hostile or broken source can send, refused where they enter.
@Suite("Trade lines: hostile values")
struct TradeLineRobustnessTests {
    static func error(_ line: String) -> TradeLineError? {
        do { _ = try TradeLineParser.parse(line); return nil } catch { return error }
    }

    @Test func aggTradeCountOverflowIsABadLine() {
        let line = #"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"f":0,"l":9223372036854775807,"p":"2","q":"1","T":1,"m":true}"#
        guard case .invalidValue(field: "l", _)? = Self.error(line) else {
            Issue.record("accepted or wrong error: \(String(describing: Self.error(line)))")
            return
        }
        // The widest accepted range, and one more.
        let widest = WireLimits.maxTradesPerAggTrade - 1
        let ok = #"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"f":5,"l":\#(5 + widest),"p":"2","q":"1","T":1,"m":true}"#
        #expect((try? TradeLineParser.parse(ok))?.tradeCount == WireLimits.maxTradesPerAggTrade)
        let over = #"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"f":5,"l":\#(6 + widest),"p":"2","q":"1","T":1,"m":true}"#
        #expect(Self.error(over) != nil)
        // A negative range stays refused.
        let negative = #"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"f":9223372036854775807,"l":0,"p":"2","q":"1","T":1,"m":true}"#
        #expect(Self.error(negative) == .invalidValue(field: "l", reason: "is below f"))
    }
}
