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

extension WindowRobustnessTests {
    /// A deterministic shuffle (xorshift), so the test is the same on every run.
    static func shuffled<T>(_ items: [T], seed: UInt64) -> [T] {
        var a = items, s = seed
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17
            a.swapAt(i, Int(s % UInt64(i + 1)))
        }
        return a
    }

    @Test func shuffledCaptureHasNoFalseDuplicates() throws {
        let trades = try Self.fixtureLines().map { try TradeLineParser.parse($0) }
        for seed: UInt64 in [1, 7, 42] {
            let (rows, totals) = Self.run(Self.shuffled(trades, seed: seed),
                                          configuration: WindowConfiguration(windowMilliseconds: 20_000))
            #expect(totals.duplicates == 0, "seed \(seed)")
            // Every trade is either in a window or dropped as late, once.
            #expect(totals.trades + totals.lateTrades == 1_000, "seed \(seed)")
            #expect(rows.reduce(0) { $0 + $1.tradeCount } == totals.trades)
            // A missing id is one no window took by the time it closed: never more than the late ones.
            #expect(totals.missingTrades <= totals.lateTrades, "seed \(seed)")
        }
        // Reordered only locally (each trade at most 3 places away, within the lateness): nothing is
        // lost, nothing is a duplicate, nothing is missing.
        var local = trades
        for i in stride(from: 0, to: local.count - 3, by: 4) { local.swapAt(i, i + 3); local.swapAt(i + 1, i + 2) }
        let (_, totals) = Self.run(local, configuration: WindowConfiguration(windowMilliseconds: 20_000, latenessMilliseconds: 5_000))
        #expect(totals.duplicates == 0 && totals.missingTrades == 0 && totals.lateTrades == 0 && totals.trades == 1_000)
        // Real repeats are still found, however the input is ordered.
        let (_, repeated) = Self.run(Self.shuffled(trades + trades[100..<110], seed: 3),
                                     configuration: WindowConfiguration(windowMilliseconds: 20_000))
        #expect(repeated.duplicates + repeated.lateTrades >= 10)
        #expect(repeated.trades + repeated.lateTrades + repeated.duplicates == 1_010)
    }

    @Test func seenTradeIDsAreExact() {
        var ids = SeenTradeIDs()
        #expect(ids.insert(10, 10) == .new)
        #expect(ids.insert(12, 14) == .new)
        #expect(ids.insert(11, 11) == .new)          // joins both runs
        #expect(ids.runs == [SeenTradeIDs.Run(lower: 10, upper: 14)])
        #expect(ids.insert(13, 13) == .duplicate)
        #expect(ids.insert(14, 20) == .duplicate)    // overlaps
        #expect(ids.insert(5, 5) == .new)            // older than the input's start
        #expect(ids.insert(Int64.max, Int64.max) == .new)
        #expect(ids.settle(through: 20) == 6 + 4)    // 6…9 and 15…20
        #expect(ids.insert(7, 7) == .new)            // settled but remembered: delivered late
        #expect(ids.insert(7, 7) == .duplicate)
        #expect(ids.settle(through: Int64.max) == Int64.max - 21)
    }
}

extension WindowRobustnessTests {
    @Test func invalidUTF8SymbolIsABadLineInBncWindow() throws {
        let dir = try ToolRunner.temporaryDirectory("window-robust")
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = Data()
        let lines = try Self.fixtureLines()
        for (i, line) in lines.enumerated() {
            if i == 500 {
                data += Data(line.replacingOccurrences(of: "\"BTCUSDT\"", with: "\"BTC\u{1}\"").utf8)
                    .map { $0 == 0x01 ? 0xFF : $0 }
                data += Data("\n".utf8)
            }
            data += Data((line + "\n").utf8)
        }
        let input = dir.appendingPathComponent("in").path
        try data.write(to: URL(fileURLWithPath: input))
        let (status, rows, run) = try WindowRunTests.run([input])
        #expect(status == .success)
        #expect(run.lineCounts.badLines == 1)
        #expect(rows.allSatisfy { ($0["symbol"] as? String) == "BTCUSDT" })
        #expect(Self.sum(rows, "trade_count") == 1_000)
    }
}
