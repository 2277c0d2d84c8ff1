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

    static func parse(_ bytes: [UInt8]) -> Result<Trade, TradeLineError> {
        bytes.withUnsafeBytes { raw in
            do throws(TradeLineError) { return .success(try TradeLineParser.parse(raw)) } catch { return .failure(error) }
        }
    }

    /// The symbol's bytes in the template layout (Binance's), another key order (compact tier) and
    /// with whitespace (general tier).
    static func lines(symbol: [UInt8]) -> [[UInt8]] {
        let head = Array(#"{"e":"trade","E":1723161255342,"s":""#.utf8)
        let tail = Array(#"","t":3735683259,"p":"61837.00000000","q":"0.00100000","T":1723161255342,"m":true,"M":true}"#.utf8)
        let compactHead = Array(#"{"t":3735683259,"e":"trade","E":1723161255342,"s":""#.utf8)
        let compactTail = Array(#"","p":"61837.00000000","q":"0.00100000","T":1723161255342,"m":true}"#.utf8)
        let generalHead = Array(#"{ "e" : "trade", "E":1723161255342, "s" : ""#.utf8)
        let generalTail = Array(#"", "t":3735683259, "p":"61837.00000000", "q":"0.00100000", "T":1723161255342, "m":true }"#.utf8)
        return [head + symbol + tail, compactHead + symbol + compactTail, generalHead + symbol + generalTail]
    }

    @Test func invalidUTF8SymbolIsABadLine() throws {
        let broken: [[UInt8]] = [
            [0x42, 0xFF, 0x43],                                    // 0xFF never appears in UTF-8
            [0x42, 0x54, 0x43, 0xC3],                              // truncated sequence, short symbol
            Array("BTCUSDTBTCUSDT".utf8) + [0xE4, 0xB8],           // truncated, long symbol
            [0xC0, 0xAF],                                          // overlong '/'
            [0xED, 0xA0, 0x80],                                    // a UTF-16 surrogate
        ]
        for symbol in broken {
            for (tier, line) in Self.lines(symbol: symbol).enumerated() {
                switch Self.parse(line) {
                case .success(let trade): Issue.record("tier \(tier) accepted \(symbol) as \(trade.symbol)")
                case .failure(let error): #expect(error == .invalidValue(field: "s", reason: "is not valid UTF-8"), "tier \(tier)")
                }
                let peek = line.withUnsafeBytes { raw -> Bool in
                    guard let p = try? TradeLinePeek(raw) else { return false }
                    return (try? p.symbol(in: raw)) != nil
                }
                #expect(!peek, "peek, tier \(tier)")
            }
        }
        // Well-formed UTF-8 stays a symbol, identical in every tier.
        for (tier, line) in Self.lines(symbol: Array("币安USDT".utf8)).enumerated() {
            #expect((try? Self.parse(line).get())?.symbol.description == "币安USDT", "tier \(tier)")
        }
    }
}
