import BNCCore
import Testing
@testable import MarketStream

/// The live feed's metrics (`FeedHealth`): what the scripted feed counts, and the pieces that
/// turn counts into the file's figures (recent lag quantiles, the one-minute trade count).
@Suite("Feed metrics")
struct FeedHealthTests {
    static func slot() -> MetricsSlot<FeedHealth> {
        MetricsSlot(FeedHealth(symbols: ["BTCUSDT"], startedAt: MonotonicClock.wallClockMilliseconds()))
    }

    @Test("a reconnect that repeats trades: trades counted once, duplicates and the reconnect counted")
    func reconnectCounts() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...10, price: "1") + [ScriptedConnection.close(code: 1001, reason: "going \"away\"")])
        let c2 = ScriptedConnection(ScriptedConnection.trades(8...20, price: "2"))
        let metrics = Self.slot()
        let outcome = try LiveFeedTests.run([c1, c2], expected: 20, metrics: metrics)
        #expect(outcome.ids == Array(1...20))
        let h = metrics.read()
        #expect(h.symbols.map(\.symbol) == ["BTCUSDT"])
        #expect(h.symbols[0].trades == 20)
        #expect(h.duplicatesDropped == 3)
        #expect(h.connections == 2 && h.reconnects == 1 && h.connectFailures == 0)
        #expect(h.lastError == #"server sent close 1001 (going "away")"#)
        #expect(!h.connected, "the final values say the feed is gone")
        #expect(h.symbols[0].lastTradeTime == 1_723_161_255_020)
        #expect(h.lags.count == 23, "every trade message received has a lag, repeats included")
        let text = h.exposition(now: MonotonicClock.wallClockMilliseconds())
        #expect(text.contains("bnc_stream_trades_total{symbol=\"BTCUSDT\"} 20\n"))
        #expect(text.contains("bnc_stream_reconnects_total 1\n"))
        #expect(text.contains(#"bnc_stream_last_error_info{error="server sent close 1001 (going \"away\")"} 1"#))
        #expect(text.contains("bnc_stream_trades_last_minute{symbol=\"BTCUSDT\"} 20\n"))
        #expect(text.contains("bnc_stream_last_trade_timestamp_seconds{symbol=\"BTCUSDT\"} 1723161255.02\n"))
    }

    @Test("a gap is backfilled: backfilled trades are trades too; a refused attempt is a failure with its error")
    func backfillAndFailures() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + [.fail(.receiveFailed("connection reset"))])
        let refused = ScriptedConnection([], openError: .connectFailed("refused"))
        let c2 = ScriptedConnection(ScriptedConnection.trades(9...20, price: "2"))
        let metrics = Self.slot()
        let outcome = try LiveFeedTests.run([c1, refused, c2], expected: 20, metrics: metrics)
        #expect(outcome.ids == Array(1...20))
        let h = metrics.read()
        #expect(h.symbols[0].trades == 20 && h.symbols[0].backfilled == 3 && h.symbols[0].unrecovered == 0)
        #expect(h.connections == 2 && h.reconnects == 1 && h.connectFailures == 1)
        #expect(h.connectedSince != nil && h.disconnectedSince != nil)
    }

    @Test("never connected: no connection, a failure count and the last error; no trades")
    func neverConnected() throws {
        let metrics = Self.slot()
        let outcome = try LiveFeedTests.run([], expected: 1, metrics: metrics) { $0.maxRetries = 2 }
        #expect(outcome.status == .unavailable)
        let h = metrics.read()
        #expect(h.connections == 0 && h.connectFailures == 3 && !h.connected && h.connectedSince == nil)
        #expect(h.lastError == "connect failed: no more scripted connections")
        let text = h.exposition(now: MonotonicClock.wallClockMilliseconds())
        #expect(text.contains("bnc_stream_connected 0\n") && text.contains("bnc_stream_connected_since_timestamp_seconds 0\n"))
        #expect(text.contains("bnc_stream_trades_total{symbol=\"BTCUSDT\"} 0\n"))
        #expect(text.contains("bnc_stream_lag_seconds{quantile=\"0.5\"} NaN\n"))
    }

    @Test("E is read only when asked for; E and T in milliseconds from microseconds")
    func messageTimes() {
        let line = #"{"e":"trade","E":1723161255000123,"s":"BTCUSDT","t":5,"p":"1","q":"1","T":1723161254999999,"m":true,"M":true}"#
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { b in
            let plain = TradeMessage.inspect(UnsafeRawBufferPointer(b))
            #expect(plain.eventTime == -1 && plain.tradeTime == 1_723_161_254_999)
            let timed = TradeMessage.inspect(UnsafeRawBufferPointer(b), withTimes: true)
            #expect(timed.kind == .trade && timed.id == 5)
            #expect(timed.eventTime == 1_723_161_255_000 && timed.tradeTime == 1_723_161_254_999)
        }
    }

    @Test("lag quantiles: nearest rank over the last minute only")
    func lagQuantiles() {
        var lags = RecentLags()
        for i in 1...100 { lags.add(lagMilliseconds: Int64(i), at: 1_000_000) }
        lags.add(lagMilliseconds: 99_999, at: 1_000_000 - 61_000)   // older than a minute at `now`
        #expect(lags.quantiles([0.5, 0.99], now: 1_000_500) == [50, 99])
        #expect(lags.count == 101)
        #expect(lags.quantiles([0.5], now: 1_000_000 + 60_001) == nil)
    }

    @Test("lag ring keeps the newest samples")
    func lagRing() {
        var lags = RecentLags()
        for i in 0..<(RecentLags.capacity + 10) { lags.add(lagMilliseconds: Int64(i), at: 5_000) }
        #expect(lags.quantiles([0.0001], now: 5_000) == [10])
    }

    @Test("the minute counter forgets seconds older than a minute")
    func minuteCounter() {
        var c = MinuteCounter()
        c.add(5, atMilliseconds: 10_000)
        c.add(2, atMilliseconds: 30_500)
        #expect(c.total(atMilliseconds: 31_000) == 7)
        #expect(c.total(atMilliseconds: 69_999) == 7)
        #expect(c.total(atMilliseconds: 70_000) == 2)
        c.add(1, atMilliseconds: 70_000)   // the slot of second 10 again: reused, not added to
        #expect(c.total(atMilliseconds: 70_000) == 3)
        #expect(c.total(atMilliseconds: 200_000) == 0)
    }
}
