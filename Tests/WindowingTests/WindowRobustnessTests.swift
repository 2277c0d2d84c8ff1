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
        #expect(ids.runs == [10...14])
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

// MARK: Time glitches and jumps
extension WindowRobustnessTests {
    /// `line` with `T` and `E` moved by `shift` ms (or set to `time`) and `t` moved by `idShift`.
    static func retimed(_ line: String, shift: Int64 = 0, time: Int64? = nil, idShift: Int64 = 0) -> String {
        var out = line
        for key in ["T", "E", "t"] {
            let range = out.range(of: "\"\(key)\":[0-9]+", options: .regularExpression)!
            let value = Int64(out[range].dropFirst(key.count + 3))!
            let new = key == "t" ? value + idShift : (time ?? value + shift)
            out.replaceSubrange(range, with: "\"\(key)\":\(new)")
        }
        return out
    }

    static func emptyCompleteRows(_ rows: [[String: Any]]) -> Int {
        rows.filter { ($0["trade_count"] as? Int) == 0 && ($0["complete"] as? Bool) == true }.count
    }

    @Test func tradeADayAheadMidCaptureIsQuarantined() throws {
        let lines = try Self.fixtureLines()
        let plain = try Self.runLines(lines)
        var glitched = lines
        glitched.insert(Self.retimed(lines[500], shift: 86_400_000, idShift: 10_000_000), at: 501)
        let (status, rows, run) = try Self.runLines(glitched)
        #expect(status == .success)
        #expect(Self.emptyCompleteRows(rows) == 0)
        #expect(Self.sum(rows, "late_trades") == 0)                 // later trades are not late
        #expect(Self.sum(rows, "trade_count") == 1_000)
        #expect(Self.sum(rows, "outlier_trades") == 1)
        #expect(run.aggregator.totals.outlierTrades == 1)
        #expect(rows.count == plain.rows.count)
        // Only the row where it arrived changes: it counts the outlier and is not complete.
        for (a, b) in zip(rows, plain.rows) where (a["outlier_trades"] as? Int) == 0 {
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b))
        }
        #expect(rows.first { ($0["outlier_trades"] as? Int) == 1 }?["complete"] as? Bool == false)
    }

    @Test func year2100TradeTimeGivesBoundedOutput() throws {
        let lines = try Self.fixtureLines()
        let plain = try Self.runLines(lines)
        var glitched = lines
        glitched.insert(Self.retimed(lines[300], time: 4_102_444_800_000 + 5_000), at: 301)   // 2100-01-01
        glitched.insert(Self.retimed(lines[0], time: 4_102_444_800_000 * 3), at: 0)            // year ~2360, first line
        // The same glitch seven times in a row cannot confirm an implausible time either.
        for k in 0..<7 { glitched.insert(Self.retimed(lines[600], time: 4_200_000_000_000 + Int64(k), idShift: Int64(k + 1) * 100_000), at: 601) }
        let (status, rows, run) = try Self.runLines(glitched)
        #expect(status == .success)
        #expect(rows.count == plain.rows.count)
        #expect(Self.sum(rows, "trade_count") == 1_000)
        #expect(run.aggregator.totals.outlierTrades == 9)
        #expect(rows.allSatisfy { ($0["end"] as? Int64 ?? 0) < 4_102_444_800_000 })
    }

    @Test func firstLineWithTradeTimeInSecondsStartsNoWindows() throws {
        let lines = try Self.fixtureLines()
        let plain = try Self.runLines(lines)
        let seconds = Self.retimed(lines[0], time: 1_723_161_255, idShift: -1)
        let (status, rows, run) = try Self.runLines([seconds] + lines)
        #expect(status == .success)
        #expect(rows.count == plain.rows.count)
        #expect(rows.first?["start"] as? Int64 == plain.rows.first?["start"] as? Int64)
        #expect(run.aggregator.totals.outlierTrades == 1)
        #expect(rows.first?["outlier_trades"] as? Int == 1)
        // Even where any time is plausible (the library's default), the 1970 line cannot start
        // 54 years of windows: the real trades confirm the jump and the silence is cut.
        let trades = try ([seconds] + lines).map { try TradeLineParser.parse($0) }
        let (anyTimeRows, totals) = Self.run(trades, configuration: WindowConfiguration())
        #expect(anyTimeRows.count <= 2 + 180 + 4)
        #expect(totals.skippedWindows > 1_000_000)
        #expect(anyTimeRows.filter { $0.tradeCount == 0 && $0.complete }.isEmpty)
    }

    @Test func firstLineADayAheadIsCorrectedByTheTradesThatFollow() throws {
        let lines = try Self.fixtureLines()
        let plain = try Self.runLines(lines)
        let ahead = Self.retimed(lines[0], shift: 86_400_000, idShift: -1)
        let (_, rows, run) = try Self.runLines([ahead] + lines)
        #expect(run.aggregator.totals.outlierTrades == 1)
        #expect(rows.count == plain.rows.count)
        #expect(Self.sum(rows, "trade_count") == 1_000)
        #expect(Self.sum(rows, "late_trades") == 0)
    }

    @Test func confirmedThreeHourGapIsAcceptedWithBoundedSilence() throws {
        let lines = try Self.fixtureLines()
        let gap: Int64 = 3 * 3_600_000
        let jumped = Array(lines[..<500]) + lines[500...].map { Self.retimed($0, shift: gap) }
        let (status, rows, run) = try Self.runLines(jumped)
        #expect(status == .success)
        #expect(Self.sum(rows, "trade_count") == 1_000)
        #expect(Self.sum(rows, "outlier_trades") == 0 && Self.sum(rows, "late_trades") == 0)
        let empty = rows.filter { ($0["trade_count"] as? Int) == 0 }
        #expect(empty.count <= 3_600_000 / 20_000)              // --max-silence 1h of 20 s windows
        #expect(empty.count >= 170)
        #expect(Self.emptyCompleteRows(rows) == 0)
        #expect(run.aggregator.totals.jumps == 1)
        #expect(run.aggregator.totals.skippedWindows > 0)
        #expect(run.summary().contains("empty windows not written"))
        // Rows stay in time order.
        for (a, b) in zip(rows, rows.dropFirst()) { #expect((a["start"] as! Int64) < (b["start"] as! Int64)) }
    }

    @Test func glitchBurstShorterThanTheConfirmationsIsQuarantined() throws {
        let lines = try Self.fixtureLines()
        var glitched = lines
        for k in 0..<4 { glitched.insert(Self.retimed(lines[500], shift: 86_400_000 + Int64(k), idShift: Int64(k + 1) * 1_000_000), at: 501 + k) }
        let (_, rows, run) = try Self.runLines(glitched)
        #expect(run.aggregator.totals.outlierTrades == 4 && run.aggregator.totals.jumps == 0)
        #expect(Self.sum(rows, "trade_count") == 1_000 && Self.emptyCompleteRows(rows) == 0)
    }
}

// MARK: Found by Fuzz/Pipeline
extension WindowRobustnessTests {
    @Test func windowClosingAfterTradeIDInt64MaxDoesNotOverflow() {
        // The window holding id Int64.max closes (everything is settled), then another closes.
        let (rows, totals) = Self.run([Self.trade(Int64.max, 1_000), Self.trade(5, 11_000), Self.trade(6, 25_000),
                                       Self.trade(7, 36_000)])
        #expect(rows.count == 4)
        #expect(totals.trades == 4)
        #expect(rows.allSatisfy { $0.missingTrades >= 0 })
    }
}

extension WindowRobustnessTests {
    @Test func tradeJustPastTheEraNearTheWatermarkIsQuarantined() {
        let end = WindowConfiguration.exchangeEra.upperBound     // 2099-12-31T23:59:59.999Z
        let configuration = WindowConfiguration(windowMilliseconds: 10_000, plausibleTimes: WindowConfiguration.exchangeEra)
        let (rows, totals) = Self.run([Self.trade(1, end - 60_000), Self.trade(2, end + 60_000), Self.trade(3, end - 50_000)],
                                      configuration: configuration)
        #expect(totals.outlierTrades == 1)
        #expect(rows.allSatisfy { $0.end <= end + 1 })
    }
}
