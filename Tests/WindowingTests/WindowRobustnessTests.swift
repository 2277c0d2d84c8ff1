import BNCCore
import BNCWire
import Foundation
import Testing
import TestSupport
@testable import Windowing

/// Issue 11: inputs that crashed bnc-window or poisoned its windows, each case named for itself.
@Suite("Windowing: hostile input")
struct WindowRobustnessTests {
    static let btc = Symbol("BTCUSDT")!

    static func trade(_ id: Int64, _ time: Int64, price: Double = 100, qty: Double = 1, symbol: Symbol = btc) -> Trade {
        Trade(symbol: symbol, tradeID: id, price: price, quantity: qty, tradeTime: time, eventTime: time,
              buyerIsMaker: true)
    }

    static func run(_ trades: [Trade], configuration: WindowConfiguration = WindowConfiguration(windowMilliseconds: 10_000))
        -> (rows: [WindowRow], totals: WindowTotals) {
        var aggregator = WindowAggregator(configuration: configuration)
        var rows: [WindowRow] = []
        for t in trades { aggregator.add(t) { rows.append($0) } }
        aggregator.finish { rows.append($0) }
        return (rows, aggregator.totals)
    }

    static func fixtureLines() throws -> [String] { try Fixture.lines(Fixture.trades2024) }

    /// Runs trade-line text through `WindowRun` (all of bnc-window but argument parsing).
    static func runLines(_ lines: [String], options: WindowRun.Options = WindowRun.Options(quiet: true))
        throws -> (status: BNCCore.ExitStatus, rows: [[String: Any]], run: WindowRun) {
        let dir = try ToolRunner.temporaryDirectory("window-robust")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        return try WindowRunTests.run([input], options: options)
    }

    static func sum(_ rows: [[String: Any]], _ key: String) -> Int { WindowRunTests.sum(rows, key) }

    @Test func aggTradeCountOverflowDoesNotCrash() throws {
        var lines = try Self.fixtureLines()
        let t = try TradeLineParser.parse(lines[500]).tradeTime
        lines.insert(#"{"e":"aggTrade","E":\#(t),"s":"BTCUSDT","a":1,"f":0,"l":9223372036854775807,"p":"2","q":"1","T":\#(t),"m":true}"#, at: 500)
        lines.insert(#"{"e":"aggTrade","E":\#(t),"s":"BTCUSDT","a":2,"f":9223372036854775807,"l":0,"p":"2","q":"1","T":\#(t),"m":true}"#, at: 501)
        let (status, rows, run) = try Self.runLines(lines)
        #expect(status == .success)
        #expect(run.lineCounts.badLines == 2)
        // The windows in progress are all there: every real trade counted once.
        #expect(Self.sum(rows, "trade_count") == 1_000)
    }
}

extension WindowRobustnessTests {
    @Test func tradeIDOfInt64MaxKeepsItsOpenPrice() throws {
        let (rows, _) = Self.run([Self.trade(Int64.max, 1_000, price: 123)])
        let row = try #require(rows.first)
        #expect(row.open == 123 && row.close == 123)
        #expect(row.firstTradeID == Int64.max && row.lastTradeID == Int64.max)
        // The same id last in a window of several trades.
        let (more, _) = Self.run([Self.trade(Int64.max - 1, 1_000, price: 7), Self.trade(Int64.max, 2_000, price: 9)])
        #expect(more.first?.open == 7 && more.first?.close == 9)
    }
}
