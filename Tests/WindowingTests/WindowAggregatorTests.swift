import BNCCore
import Foundation
import Testing
import BNCWire
@testable import Windowing

/// Hand-computed window cases (DESIGN.md §2) on a 10 s window with a 1 s lateness unless said.
@Suite("Window aggregation")
struct WindowAggregatorTests {
    static let btc = Symbol("BTCUSDT")!
    static let eth = Symbol("ETHUSDT")!

    static func trade(_ id: Int64, _ time: Int64, price: Double = 100, qty: Double = 1, maker: Bool = true,
                      symbol: Symbol = btc, event: Int64? = nil) -> Trade {
        Trade(symbol: symbol, tradeID: id, price: price, quantity: qty, tradeTime: time, eventTime: event ?? time,
              buyerIsMaker: maker)
    }

    /// Runs trades through an aggregator; returns rows emitted while adding, then those of `finish`.
    static func run(_ trades: [Trade], window: Int64 = 10_000, lateness: Int64 = 1_000,
                    field: TimeField = .trade) -> (live: [WindowRow], flushed: [WindowRow], totals: WindowTotals) {
        var aggregator = WindowAggregator(configuration: WindowConfiguration(
            windowMilliseconds: window, latenessMilliseconds: lateness, timeField: field))
        var live: [WindowRow] = [], flushed: [WindowRow] = []
        for t in trades { aggregator.add(t) { live.append($0) } }
        aggregator.finish { flushed.append($0) }
        return (live, flushed, aggregator.totals)
    }

    @Test func featuresOfOneWindow() throws {
        // Prices 100, 102, 101 (ids in order), qty 1, 2, 3; the 2nd is a taker buy.
        let trades = [Self.trade(1, 10_000, price: 100, qty: 1), Self.trade(2, 12_000, price: 102, qty: 2, maker: false),
                      Self.trade(3, 19_999, price: 101, qty: 3), Self.trade(4, 21_000, price: 90)]
        let (live, flushed, _) = Self.run(trades)
        let row = try #require(live.first)
        #expect(live.count == 1)
        #expect(row.start == 10_000 && row.end == 20_000)
        #expect(row.tradeCount == 3)
        #expect(row.volume == 6)
        #expect(row.averageTradeSize == 2)
        #expect(row.priceReturn == 0.01)
        #expect(abs(row.priceVolatility - 1.0) < 1e-15)   // stdev(100, 102, 101) = 1
        #expect(row.open == 100 && row.high == 102 && row.low == 100 && row.close == 101)
        #expect(row.quoteVolume == 100 + 204 + 303)
        #expect(row.vwap == 607.0 / 6.0)
        #expect(row.buyVolume == 2)
        #expect(row.maxTradeSize == 3)
        #expect(row.firstTradeID == 1 && row.lastTradeID == 3)
        #expect(row.missingTrades == 0 && row.duplicates == 0 && row.lateTrades == 0)
        #expect(!row.complete)                   // the symbol's first window is partial
        #expect(flushed.count == 1 && flushed[0].start == 20_000 && !flushed[0].complete)
    }

    @Test func boundaryExactlyAtEndBelongsToTheNextWindow() {
        let (live, flushed, _) = Self.run([Self.trade(1, 5_000), Self.trade(2, 9_999), Self.trade(3, 10_000),
                                            Self.trade(4, 10_999), Self.trade(5, 11_000)])
        // 11_000 = end + lateness of [0, 10000): closes it; 10_999 did not.
        #expect(live.map(\.tradeCount) == [2])
        #expect(live.map(\.end) == [10_000])
        #expect(flushed.map(\.tradeCount) == [3])
        #expect(flushed.map(\.start) == [10_000])
    }

    @Test func emptyWindowsAreEmittedAndCompleteOnlyInside() {
        let (live, flushed, totals) = Self.run([Self.trade(1, 1_000), Self.trade(2, 15_000), Self.trade(3, 45_000),
                                                 Self.trade(4, 61_000)])
        #expect(live.map(\.start) == [0, 10_000, 20_000, 30_000, 40_000, 50_000])
        #expect(live.map(\.tradeCount) == [1, 1, 0, 0, 1, 0])
        #expect(live.map(\.complete) == [false, true, true, true, true, true])
        let empty = live[2]
        #expect(empty.open == nil && empty.vwap == nil && empty.firstTradeID == nil && empty.lastTradeID == nil)
        #expect(empty.volume == 0 && empty.averageTradeSize == 0 && empty.priceReturn == 0 && empty.priceVolatility == 0)
        #expect(flushed.map(\.start) == [60_000])
        #expect(totals.rows == 7 && totals.completeRows == 5 && totals.trades == 4)
    }

    @Test func oneTradeWindow() throws {
        let (live, _, _) = Self.run([Self.trade(1, 1_000), Self.trade(2, 12_000, price: 250, qty: 0.5),
                                      Self.trade(3, 30_000)])
        let row = try #require(live.first { $0.start == 10_000 })
        #expect(row.tradeCount == 1 && row.priceReturn == 0 && row.priceVolatility == 0)
        #expect(row.open == 250 && row.close == 250 && row.vwap == 250 && row.averageTradeSize == 0.5)
        #expect(row.complete)
    }

    @Test func gapsAreMissingInTheWindowTheJumpLandsIn() throws {
        let (live, flushed, totals) = Self.run([Self.trade(10, 1_000), Self.trade(11, 11_000), Self.trade(15, 12_000),
                                                 Self.trade(16, 21_000), Self.trade(17, 35_000)])
        let row = try #require(live.first { $0.start == 10_000 })
        #expect(row.missingTrades == 3)         // ids 12, 13, 14
        #expect(!row.complete)
        #expect(live.first { $0.start == 20_000 }?.complete == true)
        #expect(totals.missingTrades == 3)
        #expect(flushed.count == 1)
    }

    @Test func reorderedTradeWithinLatenessFillsItsGap() throws {
        // 12 arrives after 13 (a gap of 1 is charged, then un-charged): nothing missing.
        let (live, _, totals) = Self.run([Self.trade(10, 1_000), Self.trade(11, 11_000), Self.trade(13, 11_500, price: 103),
                                           Self.trade(12, 11_400, price: 102), Self.trade(14, 25_000)])
        let row = try #require(live.first { $0.start == 10_000 })
        #expect(row.missingTrades == 0)
        #expect(row.tradeCount == 3)
        #expect(row.close == 103)               // close follows trade ids, not arrival
        #expect(row.complete)
        #expect(totals.missingTrades == 0 && totals.duplicates == 0 && totals.lateTrades == 0)
    }

    @Test func reorderedAcrossWindowsUnchargesTheGapWindow() throws {
        // 12 (time 9_900, window 0) arrives after 13 (time 10_100, window 1), within the lateness.
        let (live, _, _) = Self.run([Self.trade(10, 1_000), Self.trade(11, 9_800), Self.trade(13, 10_100),
                                      Self.trade(12, 9_900), Self.trade(14, 21_000), Self.trade(15, 32_000)])
        #expect(live.map(\.tradeCount) == [3, 1, 1])
        #expect(live.map(\.missingTrades) == [0, 0, 0])
        #expect(live.map(\.complete) == [false, true, true])
    }

    @Test func duplicatesAreDroppedAndCounted() throws {
        let (live, _, totals) = Self.run([Self.trade(1, 1_000), Self.trade(2, 11_000), Self.trade(2, 11_000),
                                           Self.trade(3, 12_000), Self.trade(1, 12_500), Self.trade(4, 22_000)])
        let row = try #require(live.first { $0.start == 10_000 })
        #expect(row.tradeCount == 2)
        #expect(row.duplicates == 2)
        #expect(row.missingTrades == 0)
        #expect(row.complete)                   // duplicates lose nothing
        #expect(totals.duplicates == 2)
    }

    @Test func lateTradesAreDroppedAndCountedInTheNewestWindow() throws {
        // Window [0, 10000) closes at 11_000; id 3 at 9_000 arrives after 11_500.
        let (live, flushed, totals) = Self.run([Self.trade(1, 1_000), Self.trade(2, 8_000), Self.trade(4, 11_500),
                                                 Self.trade(3, 9_000), Self.trade(5, 25_000)])
        #expect(live.map(\.tradeCount) == [2, 1])
        #expect(live[1].lateTrades == 1)
        // Id 3 was charged missing to [10000, 20000) when 4 came; it was then delivered (late)
        // while that window was open, so it is not missing.
        #expect(live[1].missingTrades == 0)
        #expect(totals.lateTrades == 1)
        #expect(flushed.map(\.tradeCount) == [1])
    }

    @Test func lateTradeFillingAnOpenGapIsUncharged() throws {
        // Lateness 0: window 0 closes at once when 10_000 arrives; id 3 (time 9_000) is late, but it
        // was delivered, so the gap charged to window 1 (still open) is taken back.
        let (live, _, _) = Self.run([Self.trade(1, 1_000), Self.trade(2, 8_000), Self.trade(4, 10_000),
                                      Self.trade(3, 9_000), Self.trade(5, 25_000)], lateness: 0)
        #expect(live.map(\.tradeCount) == [2, 1])
        #expect(live[1].lateTrades == 1)
        #expect(live[1].missingTrades == 0)
        #expect(live[1].complete)
    }

    @Test func tradesBeforeTheFirstWindowAreLate() {
        let (live, flushed, totals) = Self.run([Self.trade(5, 10_500), Self.trade(4, 9_900), Self.trade(6, 21_000)])
        #expect(totals.lateTrades == 1)
        #expect(live.map(\.start) == [10_000])
        #expect(live[0].lateTrades == 1)
        #expect(flushed.count == 1)
    }

    @Test func twoSymbolsInterleavedKeepTheirOwnState() {
        let trades = [Self.trade(1, 1_000, symbol: Self.btc), Self.trade(100, 1_500, price: 5, symbol: Self.eth),
                      Self.trade(2, 12_000, symbol: Self.btc), Self.trade(102, 12_500, price: 6, symbol: Self.eth),
                      Self.trade(3, 23_000, symbol: Self.btc), Self.trade(100, 23_100, symbol: Self.eth)]
        let (live, flushed, totals) = Self.run(trades)
        #expect(live.filter { $0.symbol == Self.btc }.map(\.start) == [0, 10_000])
        #expect(live.filter { $0.symbol == Self.eth }.map(\.start) == [0])
        #expect(live.first { $0.symbol == Self.eth }?.tradeCount == 1)
        // ETH's jump from 100 to 102 is its own gap; its id 100 again is its own duplicate.
        let ethFlushed = flushed.filter { $0.symbol == Self.eth }
        #expect(ethFlushed.map(\.missingTrades) == [1])
        #expect(ethFlushed.map(\.duplicates) == [1])
        #expect(totals.symbols == 2)
        #expect(flushed.map(\.symbol) == [Self.btc, Self.eth])
    }

    @Test func microsecondInputLandsInTheSameWindows() throws {
        let ms = #"{"e":"trade","E":1771000000123,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1771000019999,"m":true}"#
        let us = #"{"e":"trade","E":1771000000123456,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1771000019999999,"m":true}"#
        let a = try TradeLineParser.parse(ms), b = try TradeLineParser.parse(us)
        let (_, fa, _) = Self.run([a], window: 20_000)
        let (_, fb, _) = Self.run([b], window: 20_000)
        #expect(fa.map(\.start) == [1_771_000_000_000])
        #expect(fa == fb)
    }

    @Test func eventTimeField() {
        let trades = [Self.trade(1, 9_000, event: 10_500), Self.trade(2, 9_500, event: 21_000)]
        let (live, flushed, _) = Self.run(trades, field: .event)
        #expect(live.map(\.start) == [10_000])
        #expect(flushed.map(\.start) == [20_000])
    }

    @Test func latenessLongerThanTheWindowKeepsSeveralOpen() {
        // 1 s windows, 3 s lateness: a trade 2.5 s late still counts.
        let trades = [Self.trade(1, 100), Self.trade(2, 1_100), Self.trade(4, 3_600), Self.trade(3, 1_200),
                      Self.trade(5, 4_250), Self.trade(6, 9_000)]
        let (live, flushed, totals) = Self.run(trades, window: 1_000, lateness: 3_000)
        #expect(totals.lateTrades == 0 && totals.missingTrades == 0)
        #expect(live.map(\.start) == [0, 1_000, 2_000, 3_000, 4_000, 5_000])
        #expect(live.map(\.tradeCount) == [1, 2, 0, 1, 1, 0])
        #expect(flushed.map(\.start) == [6_000, 7_000, 8_000, 9_000])
        #expect(flushed.map(\.tradeCount) == [0, 0, 0, 1])
    }

    @Test func aggTradesCountTheirTrades() throws {
        let a = Trade(kind: .aggTrade, symbol: Self.btc, tradeID: 7, firstTradeID: 100, lastTradeID: 102, price: 10,
                      quantity: 3, tradeTime: 1_000, eventTime: 1_000, buyerIsMaker: false)
        let b = Trade(kind: .aggTrade, symbol: Self.btc, tradeID: 8, firstTradeID: 105, lastTradeID: 105, price: 13,
                      quantity: 1, tradeTime: 2_000, eventTime: 2_000, buyerIsMaker: true)
        let (_, flushed, _) = Self.run([a, b])
        let row = try #require(flushed.first)
        #expect(row.tradeCount == 4)
        #expect(row.missingTrades == 2)
        #expect(row.firstTradeID == 100 && row.lastTradeID == 105)
        #expect(row.averageTradeSize == 1)
        // Prices 10, 10, 10, 13: sample stdev 1.5.
        #expect(abs(row.priceVolatility - 1.5) < 1e-12)
    }

    @Test func rowJSONKeyOrderAndNulls() throws {
        let (live, _, _) = Self.run([Self.trade(1, 1_000, price: 61837.63, qty: 0.00001), Self.trade(2, 25_000)])
        let first = WindowRowWriter.line(live[0])
        #expect(first.hasPrefix(#"{"symbol":"BTCUSDT","start":0,"end":10000,"trade_count":1,"volume":1e-05,"avg_trade_size":1e-05,"price_return":0.0,"price_volatility":0.0,"open":61837.63,"#))
        #expect(first.hasSuffix(#""first_trade_id":1,"last_trade_id":1,"missing_trades":0,"duplicates":0,"late_trades":0,"complete":false,"outlier_trades":0}"# + "\n"))
        let empty = WindowRowWriter.line(live[1])
        #expect(empty.contains(#""open":null,"high":null,"low":null,"close":null,"vwap":null,"#))
        #expect(empty.contains(#""first_trade_id":null,"last_trade_id":null,"#))
        let object = try #require(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object.count == 23)
        #expect((object["volume"] as? Double) == 0.00001)
    }
}
