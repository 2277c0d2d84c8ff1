import Testing
@testable import ResultStats

@Suite("watch: live view, alert JSON, metrics")
struct LiveViewTests {
    @Test("sparklines scale between the shown minimum and maximum; gaps are spaces")
    func sparkline() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([1, nil, 1]) == "▁ ▁")
        #expect(Sparkline.render([nil, nil]) == "  ")
        var ring = RingBuffer<Int>(capacity: 3)
        for i in 0..<5 { ring.append(i) }
        #expect(ring.suffix(3) == [2, 3, 4] && ring.suffix(2) == [3, 4] && ring.count == 3)
    }

    static func board(symbols: Int, rows: Int) -> WatchBoard {
        var board = WatchBoard(history: 240)
        var tracker = EpisodeTracker(.init())
        for i in 0..<rows {
            for s in 0..<symbols {
                let r = EpisodeTrackerTests.row("SYM\(s)USDT", i, i % 9 == 4)
                for e in tracker.process(r) { board.record(e) }
                board.record(r, anomalous: r.isAnomaly, episode: tracker.states[r.symbol]?.open)
            }
        }
        return board
    }

    @Test("the view fits any terminal size: no line wider, no more lines than the screen", arguments: [(20, 5), (40, 10), (80, 24), (120, 40), (250, 60)])
    func fits(size: (Int, Int)) {
        let board = Self.board(symbols: 7, rows: 300)
        let lines = LiveViewRenderer().render(board, feed: "feed: connected", width: size.0, height: size.1, now: 0)
        #expect(lines.count <= size.1)
        #expect(lines.allSatisfy { $0.text.count <= size.0 })
    }

    @Test("each symbol's block: newest window, both sparklines, anomalies today, open episode; then the alerts")
    func content() {
        let board = Self.board(symbols: 2, rows: 50)
        let text = LiveViewRenderer().render(board, feed: nil, width: 120, height: 40, now: 0).map(\.text)
        #expect(text[0].hasPrefix("bnc-stats watch · 2 symbol(s) · 12 alert(s)"))
        #expect(text[1].hasPrefix("SYM0USDT 2025-12-02 00:16:20Z  score -0.05  s(x) 0.62  n 149  vol –  ret –  σ –  ANOMALY"))
        #expect(text[2].contains("s(x)") && text[2].contains("▁") && text[2].contains("█") && text[2].contains("today 6 anomalies"))
        #expect(text[3].contains("trades") && text[3].contains("█") && text[3].contains("episode since 00:16:20, 1 window(s)"))
        #expect(text.contains { $0.hasPrefix("── latest alerts") })
        #expect(text.last == "00:16:20Z ▲ SYM1USDT  score -0.05  s(x) 0.62  149 trades")
        let narrow = LiveViewRenderer().render(board, feed: nil, width: 120, height: 8, now: 0).map(\.text)
        #expect(narrow.contains { $0.contains("more symbol(s)") })
    }

    @Test("the alert JSON and the BNC_* variables carry the same facts")
    func encoder() throws {
        var r = EpisodeTrackerTests.row("BTCUSDT", 3, true)
        r.reason = "volume↑"
        let event = EpisodeTracker.Event.alert(.init(row: r))
        let line = AlertEncoder.jsonLine(event, source: "r.csv")
        #expect(line.hasSuffix("}\n") && !line.dropLast().contains("\n"))
        #expect(line.contains(#""episode_id": "BTCUSDT@2025-12-02T00:01:00.000Z""#))
        #expect(line.contains(#""reason": "volume↑""#) && line.contains(#""anomaly_score": 0.62"#))
        let env = Dictionary(uniqueKeysWithValues: AlertEncoder.environment(event, source: "r.csv"))
        #expect(env["BNC_SYMBOL"] == "BTCUSDT" && env["BNC_WINDOW_START"] == "2025-12-02T00:01:00.000Z")
        #expect(env["BNC_SCORE"] == "-0.05" && env["BNC_EVENT"] == "alert" && env["BNC_REASON"] == "volume↑")
        #expect(env["BNC_TRADE_COUNT"] == "103" && env["BNC_VOLUME"] == "" && env["BNC_ANOMALY_SCORE"] == "0.62")
        #expect(env["BNC_MESSAGE"]?.hasPrefix("BTCUSDT anomaly at 2025-12-02T00:01:00.000Z: score -0.05") == true)
        var plain = r
        plain.reason = nil
        #expect(AlertEncoder.jsonLine(.alert(.init(row: plain)), source: nil).contains(#""reason": null"#))
    }

    @Test("Prometheus text: samples with labels, comments and junk skipped")
    func metrics() {
        let text = """
            # HELP bnc_stream_connected 1 when connected
            # TYPE bnc_stream_connected gauge
            bnc_stream_connected 1
            bnc_stream_last_trade_timestamp_seconds 1764633600.5
            bnc_stream_lag_seconds{quantile="0.5"} 0.31
            bnc_stream_lag_seconds{quantile="0.99", symbol="a b"} 1.2 1764633600000
            garbage
            bnc_x NaNa
            """
        let m = FeedMetrics(samples: FeedMetrics.parse(text[...]), modified: 1_764_633_601_000)
        #expect(m.value("bnc_stream_connected") == 1)
        #expect(m.value("bnc_stream_lag_seconds", quantile: "0.99") == 1.2)
        #expect(m.samples.count == 4)
        #expect(m.summary(now: 1_764_633_601_000) == "feed: connected · last trade 0.5 s ago · lag p50 0.31 s p99 1.2 s")
        #expect(FeedMetrics(samples: ["bnc_stream_connected": 0], modified: 0).summary(now: 60_000).contains("DISCONNECTED"))
    }
}
