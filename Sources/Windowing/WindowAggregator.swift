import BNCWire

/// Cuts trades into epoch-aligned windows per symbol and hands out each row as its window closes
/// (DESIGN.md §2). One aggregator serves any number of symbols; state per symbol is a small ring
/// of open windows, so memory does not grow with the input.
///
/// See `SymbolWindows` for the exact rules on gaps, reordering, duplicates, late trades and the
/// quarantine of implausible times (`outlier_trades`, jumps, `maxSilenceMilliseconds`).
/// `complete` is true only for a window with nothing missing and nothing quarantined that is
/// neither the symbol's first (partial) window, nor one flushed by `finish` (end of input or a
/// stop signal), nor an empty window inside the span of an accepted jump.
package struct WindowAggregator {
    package let configuration: WindowConfiguration
    package private(set) var totals = WindowTotals()
    private var states: [SymbolWindows] = []
    private var indexBySymbol: [Symbol: Int] = [:]
    private var lastSymbol: Symbol?
    private var lastState = 0

    package init(configuration: WindowConfiguration) {
        self.configuration = configuration
    }

    /// Silences cut short by `maxSilenceMilliseconds` and not yet reported (see `takeSilenceSkips`).
    package private(set) var silenceSkips: [SilenceSkip] = []
    /// Outliers of symbols that have no window yet (their first trades were implausible): counted
    /// in the symbol's first window once one opens.
    private var unplacedOutliers: [Symbol: Int64] = [:]

    /// Adds one trade; `emit` receives every row that closes as a result, oldest first.
    @inline(__always)
    package mutating func add<E: Error>(_ trade: Trade, emit: (WindowRow) throws(E) -> Void) throws(E) {
        let time = configuration.timeField == .trade ? trade.tradeTime : trade.eventTime
        let state: Int
        if trade.symbol == lastSymbol {
            state = lastState
        } else if let known = indexBySymbol[trade.symbol] {
            state = known
            lastSymbol = trade.symbol
            lastState = known
        } else {
            // A symbol's first window opens only for a believable trade.
            guard configuration.plausibleTimes.contains(time), trade.hasPlausibleIDs else {
                unplacedOutliers[trade.symbol, default: 0] += 1
                totals.outlierTrades += 1
                return
            }
            state = states.count
            var windows = SymbolWindows(symbol: trade.symbol, time: time, configuration: configuration)
            if let early = unplacedOutliers.removeValue(forKey: trade.symbol) {
                windows.ring[windows.slot(windows.firstIndex)].outlierTrades = early
            }
            states.append(windows)
            indexBySymbol[trade.symbol] = state
            lastSymbol = trade.symbol
            lastState = state
            totals.symbols = states.count
        }
        try states[state].add(trade, time: time, configuration: configuration, totals: &totals, skips: &silenceSkips,
                              emit: emit)
    }

    /// A heartbeat for `symbol` at exchange time `time` (formats.md §1): closes the symbol's
    /// windows with `end + lateness ≤ time` (see `SymbolWindows.advance`). A symbol without a
    /// window yet has nothing to close: ignored.
    package mutating func advance<E: Error>(_ symbol: Symbol, to time: Int64,
                                            emit: (WindowRow) throws(E) -> Void) throws(E) {
        guard let state = indexBySymbol[symbol] else { return }
        try states[state].advance(to: time, configuration: configuration, totals: &totals, skips: &silenceSkips, emit: emit)
    }

    /// Emits every still-open window as `complete: false`, symbols in order of first appearance;
    /// trades still held as an unconfirmed jump become outliers.
    /// The aggregator can keep going afterwards (windows then start again from the next trade).
    package mutating func finish<E: Error>(emit: (WindowRow) throws(E) -> Void) throws(E) {
        for i in states.indices {
            try states[i].flush(configuration: configuration, totals: &totals, skips: &silenceSkips, emit: emit)
        }
    }

    /// The silences cut short since the last call, oldest first.
    package mutating func takeSilenceSkips() -> [SilenceSkip] {
        defer { silenceSkips.removeAll() }
        return silenceSkips
    }
}
