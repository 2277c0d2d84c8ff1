import BNCCore
import BNCWire

/// bnc-window's counters for its metrics file (`--metrics-file`, docs/metrics.md). Everything here
/// follows from the rows written, so it changes only when a row goes out (a few times per window,
/// never per trade): `WindowRun` updates the shared copy in its `MetricsSlot` under the slot's
/// lock, and the metrics thread renders it. Lines that are not trades (bad lines, the stream's own
/// heartbeats) never count as trades here: only a row's `trade_count` does.
package struct WindowHealth: Sendable {
    package struct SymbolCounts: Sendable {
        package var symbol: String
        package var rows: Int64 = 0
        package var completeRows: Int64 = 0
        package var trades: Int64 = 0
        package var lateTrades: Int64 = 0
        package var missingTrades: Int64 = 0
        /// `end` of the newest row written, epoch ms.
        package var lastWindowEnd: Int64 = 0
    }

    package var startedAt: Int64
    package var windowMilliseconds: Int64
    package var latenessMilliseconds: Int64
    /// Wall clock when the last row was written (nil before the first).
    package var lastRowWrittenAt: Int64?
    package var badLines: Int64 = 0
    package private(set) var symbols: [SymbolCounts] = []
    private var index: [String: Int] = [:]

    package init(startedAt: Int64, windowMilliseconds: Int64, latenessMilliseconds: Int64) {
        self.startedAt = startedAt
        self.windowMilliseconds = windowMilliseconds
        self.latenessMilliseconds = latenessMilliseconds
    }

    /// Records one row written at wall-clock `now`.
    package mutating func wrote(_ row: WindowRow, at now: Int64) {
        let name = row.symbol.description
        let i: Int
        if let known = index[name] { i = known } else {
            i = symbols.count
            symbols.append(SymbolCounts(symbol: name))
            index[name] = i
        }
        symbols[i].rows += 1
        if row.complete { symbols[i].completeRows += 1 }
        symbols[i].trades += row.tradeCount
        symbols[i].lateTrades += row.lateTrades
        symbols[i].missingTrades += row.missingTrades
        symbols[i].lastWindowEnd = max(symbols[i].lastWindowEnd, row.end)
        lastRowWrittenAt = now
    }

    /// The metrics file's text (docs/metrics.md lists every family).
    package func exposition() -> String {
        var m = MetricsText()
        let seconds = MetricsText.seconds
        func perSymbol(_ name: String, _ kind: MetricsText.Kind, _ help: String, _ value: (SymbolCounts) -> Double) {
            m.perSymbol(name, kind, help, symbols, symbol: \.symbol, value)
        }
        m.single("bnc_window_start_time_seconds", .gauge, "When this bnc-window process started (Unix time).", seconds(startedAt))
        m.single("bnc_window_window_seconds", .gauge, "Window length (--window).", seconds(windowMilliseconds))
        m.single("bnc_window_lateness_seconds", .gauge, "How long a window waits for late trades (--lateness).", seconds(latenessMilliseconds))
        m.single("bnc_window_last_row_written_timestamp_seconds", .gauge,
                 "Wall-clock time the last row was written (Unix time); 0 before the first.", seconds(lastRowWrittenAt ?? 0))
        m.single("bnc_window_bad_lines_total", .counter, "Input lines skipped as unreadable.", Double(badLines))
        perSymbol("bnc_window_rows_total", .counter, "Window rows written.") { Double($0.rows) }
        perSymbol("bnc_window_complete_rows_total", .counter, "Window rows written with complete:true.") { Double($0.completeRows) }
        perSymbol("bnc_window_trades_total", .counter, "Trades counted in the rows written (trade_count).") { Double($0.trades) }
        perSymbol("bnc_window_late_trades_total", .counter, "Trades that arrived after their window closed (late_trades).") { Double($0.lateTrades) }
        perSymbol("bnc_window_missing_trades_total", .counter, "Trade ids missing from the rows written (missing_trades).") { Double($0.missingTrades) }
        perSymbol("bnc_window_last_window_end_timestamp_seconds", .gauge, "End of the newest window written (exchange time, Unix time).") {
            seconds($0.lastWindowEnd)
        }
        return m.text
    }
}
