import BNCCore
import Testing
import BNCWire
@testable import Windowing

/// Windows closed by the live feed's heartbeats (formats.md §1, window.md): deterministic, on a
/// 10 s window with a 1 s lateness.
@Suite("Window closing on heartbeats")
struct WindowHeartbeatTests {
    static let btc = WindowAggregatorTests.btc
    static let eth = WindowAggregatorTests.eth

    enum Line {
        case trade(Trade)
        case beat(Symbol, Int64)
    }

    static func trade(_ id: Int64, _ time: Int64, symbol: Symbol = btc) -> Line {
        .trade(WindowAggregatorTests.trade(id, time, symbol: symbol))
    }

    /// Rows written after each line (index → rows), and those of `finish`.
    static func run(_ lines: [Line], configuration: WindowConfiguration = WindowConfiguration(windowMilliseconds: 10_000, latenessMilliseconds: 1_000))
        -> (after: [[WindowRow]], flushed: [WindowRow], totals: WindowTotals) {
        var aggregator = WindowAggregator(configuration: configuration)
        var after: [[WindowRow]] = []
        for line in lines {
            var rows: [WindowRow] = []
            switch line {
            case .trade(let t): aggregator.add(t) { rows.append($0) }
            case .beat(let s, let time): aggregator.advance(s, to: time) { rows.append($0) }
            }
            after.append(rows)
        }
        var flushed: [WindowRow] = []
        aggregator.finish { flushed.append($0) }
        return (after, flushed, aggregator.totals)
    }

    @Test("a heartbeat closes every window with end + lateness ≤ its time, silent ones included, and no other")
    func closesThroughTheHeartbeat() {
        let r = Self.run([Self.trade(1, 15_000), .beat(Self.btc, 20_999), .beat(Self.btc, 21_000), .beat(Self.btc, 51_000)])
        #expect(r.after[1].isEmpty)                                   // 20 000 + 1 000 > 20 999
        #expect(r.after[2].map(\.end) == [20_000])
        #expect(r.after[2][0].tradeCount == 1 && !r.after[2][0].complete)   // the first, partial window
        #expect(r.after[3].map(\.end) == [30_000, 40_000, 50_000])
        #expect(r.after[3].allSatisfy { $0.tradeCount == 0 && $0.complete && $0.open == nil })
        #expect(r.flushed.map(\.end) == [60_000])
        #expect(r.totals.rows == 5 && r.totals.trades == 1)
    }

    @Test("the same trades give the same rows with and without heartbeats that do not run ahead of them")
    func heartbeatsBehindChangeNothing() {
        var plain: [Line] = [], beating: [Line] = []
        for i in Int64(0)..<200 {
            let time = 1_000_000 + i * 730
            plain.append(Self.trade(i + 1, time))
            beating.append(Self.trade(i + 1, time))
            beating.append(.beat(Self.btc, time))
            beating.append(.beat(Self.btc, time - 5_000))    // behind: no effect
        }
        let a = Self.run(plain), b = Self.run(beating)
        #expect(a.after.flatMap { $0 } == b.after.flatMap { $0 })
        #expect(a.flushed == b.flushed)
        #expect(a.totals == b.totals)
    }

    @Test("trades that arrive after a heartbeat closed their window are late, counted in the open window")
    func stalledTradesBecomeLate() throws {
        // Trades 1…3, a stall the feed does not see (heartbeats go on), then the backfill of
        // 4…6 (times inside already-closed windows) and the trade that revealed the gap.
        let r = Self.run([Self.trade(1, 10_000), Self.trade(2, 11_000), Self.trade(3, 12_000),
                          .beat(Self.btc, 25_000), .beat(Self.btc, 43_000),
                          Self.trade(4, 13_000), Self.trade(5, 22_000), Self.trade(6, 31_000), Self.trade(7, 43_500)])
        let written = r.after.flatMap { $0 } + r.flushed
        #expect(written.map(\.end) == [20_000, 30_000, 40_000, 50_000])
        #expect(written[0].tradeCount == 3)
        #expect(written[1].tradeCount == 0 && written[2].tradeCount == 0 && written[1].complete)
        let last = try #require(written.last)
        #expect(last.tradeCount == 1 && last.lateTrades == 3 && last.missingTrades == 0)
        #expect(r.totals.lateTrades == 3 && r.totals.missingTrades == 0)
    }

    @Test("heartbeats are per symbol; one for a symbol without a window is ignored")
    func perSymbol() {
        let r = Self.run([Self.trade(1, 10_000), Self.trade(1, 10_000, symbol: Self.eth),
                          .beat(Self.eth, 31_000), .beat(Symbol("XRPUSDT")!, 31_000)])
        #expect(r.after[2].map(\.symbol) == [Self.eth, Self.eth])
        #expect(r.after[3].isEmpty)
        #expect(r.flushed.map(\.symbol) == [Self.btc, Self.eth])
    }

    @Test("a heartbeat more than --max-jump ahead, outside the plausible times, or during an unconfirmed jump is ignored")
    func implausibleHeartbeatsAreIgnored() {
        let configuration = WindowConfiguration(windowMilliseconds: 10_000, latenessMilliseconds: 1_000,
                                                maxJumpMilliseconds: 60_000, plausibleTimes: 0...1_000_000)
        let far = Self.run([Self.trade(1, 10_000), .beat(Self.btc, 80_000), .beat(Self.btc, 2_000_000)], configuration: configuration)
        #expect(far.after[1].isEmpty && far.after[2].isEmpty)
        // Steps within --max-jump carry the watermark as far as the clock goes.
        let steps = Self.run([Self.trade(1, 10_000), .beat(Self.btc, 60_000), .beat(Self.btc, 110_000)], configuration: configuration)
        #expect(steps.after[1].count == 4 && steps.after[2].count == 5)
        // A far trade is held as a possible jump: heartbeats wait for it to be settled.
        let held = Self.run([Self.trade(1, 10_000), Self.trade(2, 500_000), .beat(Self.btc, 40_000)], configuration: configuration)
        #expect(held.after[2].isEmpty)
    }

    @Test("a long silence written by heartbeats stops at --max-silence, as trades would")
    func maxSilenceHolds() {
        let configuration = WindowConfiguration(windowMilliseconds: 10_000, latenessMilliseconds: 1_000, maxSilenceMilliseconds: 30_000)
        var lines: [Line] = [Self.trade(1, 10_000)]
        for k in Int64(1)...20 { lines.append(.beat(Self.btc, 10_000 + k * 10_000)) }
        let r = Self.run(lines, configuration: configuration)
        let silent = r.after.flatMap { $0 }.filter { $0.tradeCount == 0 }
        #expect(silent.count == 3)
        #expect(r.totals.skippedWindows > 0)
    }
}
