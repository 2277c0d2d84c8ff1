import Testing
@testable import ResultStats

/// The episode rules on hand-made rows: runs, gaps, interleaved symbols, cooldown, min-score,
/// repeats, and a restart from saved state.
@Suite("watch: episodes")
struct EpisodeTrackerTests {
    /// A row of `symbol` at window `i` (20 s windows), anomalous when `a`.
    static func row(_ symbol: String, _ i: Int, _ a: Bool, anomalyScore: Double? = nil) -> WatchRow {
        var r = WatchRow(symbol: symbol, start: 1_764_633_600_000 + Int64(i) * 20_000, end: 1_764_633_600_000 + Int64(i + 1) * 20_000)
        r.prediction = a ? -1 : 1
        r.score = a ? -0.05 : 0.08
        r.anomalyScore = anomalyScore ?? (a ? 0.62 : 0.41)
        r.tradeCount = Double(100 + i)
        return r
    }

    /// Feeds a pattern (`1` anomalous, `0` normal, `.` unscored) and returns the events as
    /// `A<i>` (alert at window i), `E<i>` (ended at window i), `S<i>` (suppressed).
    static func run(_ pattern: String, symbol: String = "BTCUSDT", _ configuration: EpisodeTracker.Configuration = .init(),
                    tracker: inout EpisodeTracker, from: Int = 0) -> [String] {
        var out: [String] = []
        for (k, c) in pattern.enumerated() {
            var r = row(symbol, from + k, c == "1")
            if c == "." { r.prediction = 0; r.score = nil; r.anomalyScore = nil }
            for e in tracker.process(r) { out.append(label(e, from + k)) }
        }
        return out
    }

    static func label(_ e: EpisodeTracker.Event, _ i: Int) -> String {
        switch e {
        case .alert: return "A\(i)"
        case .ended: return "E\(i)"
        case .suppressed: return "S\(i)"
        }
    }

    static func events(_ pattern: String, _ configuration: EpisodeTracker.Configuration = .init()) -> [String] {
        var t = EpisodeTracker(configuration)
        return run(pattern, configuration, tracker: &t)
    }

    @Test("one alert per run of consecutive anomalous windows, at its start; the end when a normal window follows")
    func runs() {
        #expect(Self.events("0011100100011") == ["A2", "E5", "A7", "E8", "A11"])
        #expect(Self.events("1") == ["A0"])
        #expect(Self.events("0000") == [])
        #expect(Self.events("1.1") == ["A0", "E1", "A2"], "an unscored window is not anomalous")
    }

    @Test("--merge-gap N joins runs separated by at most N normal windows")
    func mergeGap() {
        let two = EpisodeTracker.Configuration(mergeGap: 2)
        #expect(Self.events("1101100111", two) == ["A0"])
        #expect(Self.events("110001", two) == ["A0", "E4", "A5"])
        #expect(Self.events("1010001", EpisodeTracker.Configuration(mergeGap: 1)) == ["A0", "E4", "A6"])
    }

    @Test("two symbols interleaved keep their own episodes")
    func interleaved() {
        var t = EpisodeTracker(.init())
        var out: [String] = []
        let btc = "0110011", eth = "1100110"
        for i in 0..<btc.count {
            for (symbol, pattern) in [("BTCUSDT", btc), ("ETHUSDT", eth)] {
                let c = pattern[pattern.index(pattern.startIndex, offsetBy: i)]
                for e in t.process(Self.row(symbol, i, c == "1")) { out.append(symbol.prefix(3) + Self.label(e, i)) }
            }
        }
        #expect(out == ["ETHA0", "BTCA1", "ETHE2", "BTCE3", "ETHA4", "BTCA5", "ETHE6"])
        #expect(t.states["BTCUSDT"]?.open?.start == Self.row("BTCUSDT", 5, true).start)
        #expect(t.states["ETHUSDT"]?.open == nil)
    }

    @Test("--cooldown (window time, per symbol) keeps later episodes quiet, and their end too")
    func cooldown() {
        // 20 s windows; a 2-minute cooldown = 6 windows after the alerted start.
        let c = EpisodeTracker.Configuration(cooldownMilliseconds: 120_000)
        #expect(Self.events("10100001000000001", c) == ["A0", "E1", "S2", "A7", "E8", "A16"])
        var t = EpisodeTracker(c)
        var out = Self.run("10", tracker: &t)
        out += Self.run("1", symbol: "ETHUSDT", tracker: &t, from: 2)
        #expect(out == ["A0", "E1", "A2"], "another symbol is not held back")
    }

    @Test("--min-score counts only windows whose anomaly_score reaches it; --symbol filters")
    func minScoreAndSymbol() {
        var t = EpisodeTracker(.init(minScore: 0.7))
        #expect(t.process(Self.row("BTCUSDT", 0, true, anomalyScore: 0.65)).isEmpty)
        #expect(t.process(Self.row("BTCUSDT", 1, true, anomalyScore: 0.72)).count == 1)
        var original = Self.row("", 2, true)
        original.anomalyScore = nil
        #expect(t.process(original).count == 1, "a row without anomaly_score is judged by prediction")
        var only = EpisodeTracker(.init(symbols: ["ETHUSDT"]))
        #expect(only.process(Self.row("BTCUSDT", 0, true)).isEmpty)
        #expect(only.process(Self.row("ETHUSDT", 0, true)).count == 1)
        #expect(only.filteredRows == 1)
    }

    @Test("a repeated or older window is ignored, so re-reading never alerts twice")
    func repeats() {
        var t = EpisodeTracker(.init())
        #expect(Self.run("011", tracker: &t) == ["A1"])
        #expect(Self.run("011", tracker: &t) == [], "the same windows again (a file given twice, a restart)")
        #expect(t.staleRows == 3)
        #expect(Self.run("0", tracker: &t, from: 3) == ["E3"])
    }

    @Test("a restart from the saved state neither repeats an alert nor loses the open episode")
    func restart() throws {
        let pattern = "0011100110001"
        var whole = EpisodeTracker(.init(mergeGap: 1))
        let expected = Self.run(pattern, tracker: &whole)
        for cut in 0...pattern.count {
            var first = EpisodeTracker(.init(mergeGap: 1))
            var got = Self.run(String(pattern.prefix(cut)), tracker: &first)
            let saved = WatchStateFile.encode(first.states)
            let restored = try #require(WatchStateFile.decode(saved))
            #expect(restored == first.states)
            var second = EpisodeTracker(.init(mergeGap: 1), states: restored)
            // The restarted watch reads the whole file again.
            got += Self.run(pattern, tracker: &second)
            #expect(got == expected, "cut after \(cut) rows")
        }
    }

    @Test("the state file refuses what it did not write")
    func stateFileDamage() {
        #expect(WatchStateFile.decode("") == nil)
        #expect(WatchStateFile.decode("bnc-watch-state 1\nBTCUSDT\t1\n") == nil)
        #expect(WatchStateFile.decode("bnc-watch-state 1\n") == [:])
        let s = WatchStateFile.encode(["": .init(lastSeen: 5, lastAlert: nil, open: nil)])
        #expect(WatchStateFile.decode(s)?[""]?.lastSeen == 5)
    }
}
