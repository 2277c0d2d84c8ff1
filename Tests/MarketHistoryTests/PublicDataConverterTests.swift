import Testing
@testable import MarketHistory

@Suite("Public-data rows become Binance trade payloads")
struct PublicDataConverterTests {
    /// Converts `rows` with a fresh converter; returns each row's outcome as text.
    func convert(_ rows: [String], symbol: String = "BTCUSDT", kind: PublicDataKind? = nil,
                 unit: TimestampUnit = .milliseconds) -> [String] {
        var converter = PublicDataConverter(symbol: symbol, kind: kind, timestampUnit: unit)
        var results: [String] = []
        for row in rows {
            var row = row
            let outcome: String = row.withUTF8 { bytes in
                switch converter.convert(UnsafeRawBufferPointer(bytes)) {
                case .trade(let line): return String(decoding: line, as: UTF8.self)
                case .header: return "header"
                case .blank: return "blank"
                case .malformed(let reason): return "malformed: \(reason)"
                }
            }
            results.append(outcome)
        }
        return results
    }

    @Test func spotTradeRowInMilliseconds() {
        let out = convert(["3735683259,61837.63000000,0.02000000,1236.75260000,1723161255342,True,True"], kind: .trades)
        #expect(out == [#"{"e":"trade","E":1723161255342,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}"# + "\n"])
    }

    @Test func microsecondsBecomeMillisecondsByDefault() {
        let row = "4400000000,93500.1,0.0001,9.35001,1735689600123456,false,true"
        let ms = convert([row])
        #expect(ms == [#"{"e":"trade","E":1735689600123,"s":"BTCUSDT","t":4400000000,"p":"93500.1","q":"0.0001","T":1735689600123,"m":false,"M":true}"# + "\n"])
        let source = convert([row], unit: .source)
        #expect(source[0].contains(#""E":1735689600123456,"#) && source[0].contains(#""T":1735689600123456,"#))
        let micro = convert(["1,2.5,1,2.5,1723161255342,false,true"], unit: .microseconds)
        #expect(micro[0].contains(#""T":1723161255342000,"#))
        let microKept = convert([row], unit: .microseconds)
        #expect(microKept[0].contains(#""T":1735689600123456,"#))
    }

    @Test func headerRowsAreRecognisedAndSetTheLayout() {
        let out = convert([
            "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match",
            "26129,0.01633102,4.70443515,27781,27781,1498793709153,true,true",
        ])
        #expect(out[0] == "header")
        #expect(out[1] == #"{"e":"aggTrade","E":1498793709153,"s":"BTCUSDT","a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}"# + "\n")
        let trades = convert(["id,price,qty,quote_qty,time,is_buyer_maker,is_best_match", "1,2.00,3.0,6,1723161255342,False,False"])
        #expect(trades[0] == "header")
        #expect(trades[1].hasSuffix(#""m":false,"M":false}"# + "\n"))
    }

    @Test func booleansInEitherCase() {
        let out = convert(["1,2,3,6,1723161255342,True,False", "2,2,3,6,1723161255342,true,false", "3,2,3,6,1723161255342,TRUE,false"])
        #expect(out[0].hasSuffix(#""m":true,"M":false}"# + "\n"))
        #expect(out[1].hasSuffix(#""m":true,"M":false}"# + "\n"))
        #expect(out[2].hasSuffix(#""m":true,"M":false}"# + "\n"))
    }

    @Test func kindFromColumnsWithoutAHint() {
        let out = convert([
            "5,10.5,1,7,9,1723161255342,false,true",     // 8 columns: spot aggTrades
        ])
        #expect(out[0].hasPrefix(#"{"e":"aggTrade","#))
        // 7 columns whose sixth is a time: futures aggTrades (no isBestMatch, so no "M").
        let futures = convert(["5,10.5,1,7,9,1723161255342,false"])
        #expect(futures[0] == #"{"e":"aggTrade","E":1723161255342,"s":"BTCUSDT","a":5,"p":"10.5","q":"1","f":7,"l":9,"T":1723161255342,"m":false}"# + "\n")
        // 7 columns whose sixth is a boolean: spot trades.
        let spot = convert(["5,10.5,1,10.5,1723161255342,false,true"])
        #expect(spot[0].hasPrefix(#"{"e":"trade","#))
    }

    @Test func malformedRowsAreReportedAndLaterRowsStillConvert() {
        let out = convert([
            "1,61000.01,0.1,6100,1723161255342,True,True",
            "2,61000.01,0.1,6100,1723161255342,True",           // a column short
            "x,61000.01,0.1,6100,1723161255342,True,True",      // id
            "4,-1,0.1,6100,1723161255342,True,True",            // price
            "5,0.000,0.1,6100,1723161255342,True,True",         // zero price
            "6,61000.01,1e-3,6100,1723161255342,True,True",     // quantity
            "7,61000.01,0.1,6100,17231612553.42,True,True",     // time
            "8,61000.01,0.1,6100,1723161255342,yes,True",       // maker
            "9,61000.01,0.1,6100,1723161255342,True,",          // best match
            "id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch", // a header in the middle is not one
            "",
            "10,61000.01,0.1,6100,1723161255342,False,True",
        ], kind: .trades)
        #expect(out[0].hasPrefix(#"{"e":"trade""#))
        #expect(out[1] == "malformed: 6 columns, expected 7")
        #expect(out[2] == "malformed: id is not an integer")
        #expect(out[3] == "malformed: price is not a decimal number")
        #expect(out[4] == "malformed: price is not positive")
        #expect(out[5] == "malformed: qty is not a decimal number")
        #expect(out[6] == "malformed: time is not an integer")
        #expect(out[7] == "malformed: isBuyerMaker is not true or false")
        #expect(out[8] == "malformed: isBestMatch is not true or false")
        #expect(out[9] == "malformed: id is not an integer")
        #expect(out[10] == "blank")
        #expect(out[11].contains(#""t":10,"#))
    }

    @Test func aggTradeIdsMustBeOrdered() {
        let out = convert(["5,10.5,1,9,7,1723161255342,false,true"], kind: .aggTrades)
        #expect(out == ["malformed: lastId is not an integer"])
    }

    @Test func unknownColumnCounts() {
        #expect(convert(["1,2,3"]) == ["malformed: 3 columns: not a trades (7, or 6 without isBestMatch) or aggTrades (8, or 7) row"])
        #expect(convert(["1,2,3,4,5,6,7,8,9,10,11"]).first?.hasPrefix("malformed: 10 columns") == true)
    }

    @Test func symbolIsUpperCased() {
        let out = convert(["1,2,3,6,1723161255342,true,true"], symbol: "ethusdt")
        #expect(out[0].contains(#""s":"ETHUSDT","#))
    }
}

@Suite("Symbol and kind from Binance's file names")
struct PublicDataFileNameTests {
    @Test func dailyAndMonthlyNames() {
        #expect(PublicDataFileName(path: "BTCUSDT-trades-2024-08-09.zip")
                == PublicDataFileName(symbol: "BTCUSDT", kind: .trades, period: "2024-08-09"))
        #expect(PublicDataFileName(path: "/data/spot/ETHUSDT-aggTrades-2024-08.zip")
                == PublicDataFileName(symbol: "ETHUSDT", kind: .aggTrades, period: "2024-08"))
        #expect(PublicDataFileName(path: "dl/BTCUSDT-trades-2025-01-01.csv")?.kind == .trades)
        #expect(PublicDataFileName(path: "bnbbtc-trades-2024-08-09.csv")?.symbol == "BNBBTC")
    }

    @Test func otherNamesSayNothing() {
        #expect(PublicDataFileName(path: "trades.csv") == nil)
        #expect(PublicDataFileName(path: "BTCUSDT-klines-2024-08-09.zip") == nil)
        #expect(PublicDataFileName(path: "BTCUSDT-trades.zip") == nil)
        #expect(PublicDataFileName(path: "BTCUSDT-trades-latest.zip") == nil)
    }
}

extension PublicDataConverterTests {
    /// Issue 11: `0,…,9223372036854775807` passed here and trapped bnc-window (`l − f + 1`).
    @Test func aggTradesRowWithOverflowingTradeCountIsMalformed() {
        let out = convert(["26129,0.01633102,4.70443515,0,9223372036854775807,1498793709153,True,True",
                           "26131,0.01633102,4.70443515,1,1000001,1498793709153,True,True",
                           "26130,0.01633102,4.70443515,1,1000000,1498793709153,True,True"], kind: .aggTrades)
        // The reader's limit (WireLimits.maxTradesPerAggTrade): 1,000,000 trades pass, one more does not.
        #expect(out.count == 3)
        #expect(out.dropLast().allSatisfy { $0 == "malformed: \(PublicDataRowError.tradeCountOverflow)" })
        #expect(out.last?.hasPrefix(#"{"e":"aggTrade","#) == true)
    }
}
