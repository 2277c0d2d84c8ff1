/// Counts over a whole run, for the one-line summary on stderr.
public struct WindowTotals: Sendable, Equatable {
    /// Trades that entered a window (an aggTrade counts `l − f + 1`).
    public var trades: Int64 = 0
    /// Trade lines dropped as repeats of an already-seen id.
    public var duplicates: Int64 = 0
    /// Trade lines dropped because their window had already closed.
    public var lateTrades: Int64 = 0
    /// Σ `missing_trades` over emitted rows.
    public var missingTrades: Int64 = 0
    /// Rows emitted, and how many of them were `complete`.
    public var rows: Int64 = 0
    public var completeRows: Int64 = 0
    /// Distinct symbols seen.
    public var symbols: Int = 0

    public init() {}
}
