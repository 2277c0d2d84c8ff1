import BNCCore

/// One scored window as `bnc-stats watch` sees it: what an alert and the live view need of a
/// result row, decoded one line at a time (`ScoredRowDecoder`) instead of into a whole series.
package struct WatchRow: Sendable, Equatable {
    /// Upper-case symbol; `""` for the original project's CSV, which has no symbol column.
    package var symbol: String
    /// Window start in epoch ms (for `.naiveLocal`, the wall-clock fields read as UTC).
    package var start: Int64
    /// Window end in epoch ms; nil when the file has none (the original's CSV).
    package var end: Int64?
    package var timeBasis: TimeBasis
    package var tradeCount = Double.nan
    package var volume = Double.nan
    package var avgTradeSize = Double.nan
    package var priceReturn = Double.nan
    package var volatility = Double.nan
    /// scikit-learn's `decision_function`; nil while the model warms up.
    package var score: Double?
    /// -1 anomaly, 1 normal, 0 unscored.
    package var prediction: Int8 = 0
    /// s(x) in (0, 1]; nil when the file has no such column or the row is unscored.
    package var anomalyScore: Double?
    /// The model's explanation (`price_volatility↑;volume↑`) when the results carry a `reason`
    /// column / key; nil when they do not or it is empty.
    package var reason: String?

    package init(symbol: String, start: Int64, end: Int64? = nil, timeBasis: TimeBasis = .utc) {
        self.symbol = symbol
        self.start = start
        self.end = end
        self.timeBasis = timeBasis
    }

    package var isAnomaly: Bool { prediction == -1 }

    /// What the sparkline plots: s(x) when the file has it, otherwise the negated decision
    /// function (higher = more anomalous either way); nil while unscored.
    package var severity: Double? {
        if let anomalyScore { return anomalyScore }
        return score.map { -$0 }
    }

    /// A time of this row as files write it: ISO 8601 UTC for ours, `YYYY-MM-DD HH:MM:SS` for
    /// the original's local wall clock (no zone is invented for it).
    package func format(_ ms: Int64) -> String {
        let t = UTCTime(epochMilliseconds: ms)
        switch timeBasis {
        case .utc: return t.iso8601
        case .naiveLocal:
            return "\(t.dateString) \(Self.pad(t.hour)):\(Self.pad(t.minute)):\(Self.pad(t.second))"
        }
    }

    private static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
