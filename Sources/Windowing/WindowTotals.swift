/// Counts over a whole run, for the one-line summary on stderr.
package struct WindowTotals: Sendable, Equatable {
    /// Trades that entered a window (an aggTrade counts `l − f + 1`).
    package var trades: Int64 = 0
    /// Trade lines that entered a window (each is exactly one of: taken, duplicate, late, outlier).
    package var tradeLines: Int64 = 0
    /// Trade lines dropped as repeats of an already-seen id.
    package var duplicates: Int64 = 0
    /// Trade lines dropped because their window had already closed.
    package var lateTrades: Int64 = 0
    /// Trade lines quarantined (`outlier_trades`): implausible times or ids, glitches far from the
    /// symbol's recent trades, unconfirmed jumps.
    package var outlierTrades: Int64 = 0
    /// Empty windows not written because a silence outlasted `--max-silence`.
    package var skippedWindows: Int64 = 0
    /// Jumps in time accepted once the trades that followed confirmed them.
    package var jumps: Int64 = 0
    /// Σ `missing_trades` over emitted rows.
    package var missingTrades: Int64 = 0
    /// Rows emitted, and how many of them were `complete`.
    package var rows: Int64 = 0
    package var completeRows: Int64 = 0
    /// Distinct symbols seen.
    package var symbols: Int = 0

    package init() {}
}
