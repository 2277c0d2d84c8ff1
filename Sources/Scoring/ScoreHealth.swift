import BNCCore

/// bnc-score's counters for its metrics file (`--metrics-file`, docs/metrics.md). They change only
/// when a row is written (or a model loaded), so `ScoringEngine` updates the shared copy in its
/// `MetricsSlot` directly, under the slot's lock, and the metrics thread renders it.
package struct ScoreHealth: Sendable {
    package struct SymbolCounts: Sendable {
        package var symbol: String
        package var rows: Int64 = 0
        package var scoredRows: Int64 = 0
        package var anomalies: Int64 = 0
        /// 0 until the first model is trained (or loaded).
        package var modelVersion: Int64 = 0
        /// Complete windows still needed before the first model; 0 once there is one.
        package var warmupWindows: Int64
        /// `end` of the newest window scored, epoch ms.
        package var lastWindowEnd: Int64 = 0
    }

    package var startedAt: Int64
    /// `--train-windows`: the warm-up's length.
    package var trainWindows: Int64
    package var lastRowWrittenAt: Int64?
    package var badLines: Int64 = 0
    package private(set) var symbols: [SymbolCounts] = []
    private var index: [String: Int] = [:]

    package init(startedAt: Int64, trainWindows: Int) {
        self.startedAt = startedAt
        self.trainWindows = Int64(trainWindows)
    }

    /// The counters of `symbol`, created (warm-up not begun) on first use.
    package subscript(symbol: String) -> SymbolCounts {
        get { index[symbol].map { symbols[$0] } ?? SymbolCounts(symbol: symbol, warmupWindows: trainWindows) }
        set {
            if let i = index[symbol] { symbols[i] = newValue } else {
                index[symbol] = symbols.count
                symbols.append(newValue)
            }
        }
    }

    /// The model state of `symbol`: its version, and how many complete windows its buffer holds.
    package mutating func model(_ symbol: String, version: Int, buffered: Int) {
        self[symbol].modelVersion = Int64(version)
        self[symbol].warmupWindows = version > 0 ? 0 : max(0, trainWindows - Int64(buffered))
    }

    /// One row written at wall-clock `now`.
    package mutating func wrote(_ symbol: String, windowEnd: Int64, scored: Bool, anomaly: Bool, at now: Int64) {
        var s = self[symbol]
        s.rows += 1
        if scored { s.scoredRows += 1 }
        if anomaly { s.anomalies += 1 }
        s.lastWindowEnd = max(s.lastWindowEnd, windowEnd)
        self[symbol] = s
        lastRowWrittenAt = now
    }

    /// The metrics file's text (docs/metrics.md lists every family).
    package func exposition() -> String {
        var m = MetricsText()
        let seconds = MetricsText.seconds
        func perSymbol(_ name: String, _ kind: MetricsText.Kind, _ help: String, _ value: (SymbolCounts) -> Double) {
            m.perSymbol(name, kind, help, symbols, symbol: \.symbol, value)
        }
        m.single("bnc_score_start_time_seconds", .gauge, "When this bnc-score process started (Unix time).", seconds(startedAt))
        m.single("bnc_score_train_windows", .gauge, "Complete windows the first model trains on (--train-windows).", Double(trainWindows))
        m.single("bnc_score_last_row_written_timestamp_seconds", .gauge,
                 "Wall-clock time the last result row was written (Unix time); 0 before the first.", seconds(lastRowWrittenAt ?? 0))
        m.single("bnc_score_bad_lines_total", .counter, "Input lines skipped as unreadable window rows.", Double(badLines))
        perSymbol("bnc_score_rows_total", .counter, "Result rows written.") { Double($0.rows) }
        perSymbol("bnc_score_scored_rows_total", .counter, "Result rows written with a score.") { Double($0.scoredRows) }
        perSymbol("bnc_score_anomalies_total", .counter, "Rows predicted anomalous (prediction -1).") { Double($0.anomalies) }
        perSymbol("bnc_score_model_version", .gauge, "Version of the symbol's current model; 0 before the first.") { Double($0.modelVersion) }
        perSymbol("bnc_score_warmup_windows", .gauge, "Complete windows still needed before the first model; 0 once trained.") {
            Double($0.warmupWindows)
        }
        perSymbol("bnc_score_last_window_end_timestamp_seconds", .gauge, "End of the newest window scored (exchange time, Unix time).") {
            seconds($0.lastWindowEnd)
        }
        return m.text
    }
}
