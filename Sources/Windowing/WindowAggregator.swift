import BNCWire

/// Cuts trades into epoch-aligned windows per symbol and hands out each row as its window closes
/// (DESIGN.md §2). One aggregator serves any number of symbols; state per symbol is a small ring
/// of open windows, so memory does not grow with the input.
///
/// See `SymbolWindows` for the exact rules on gaps, reordering, duplicates and late trades.
/// `complete` is true only for a window with nothing missing that is neither the symbol's first
/// (partial) window nor one flushed by `finish` (end of input or a stop signal).
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
            state = states.count
            states.append(SymbolWindows(symbol: trade.symbol, firstIndex: time / configuration.windowMilliseconds,
                                        time: time,
                                        capacity: configuration.openWindowCapacity))
            indexBySymbol[trade.symbol] = state
            lastSymbol = trade.symbol
            lastState = state
            totals.symbols = states.count
        }
        try states[state].add(trade, time: time, configuration: configuration, totals: &totals, emit: emit)
    }

    /// Emits every still-open window as `complete: false`, symbols in order of first appearance.
    /// The aggregator can keep going afterwards (windows then start again from the next trade).
    package mutating func finish<E: Error>(emit: (WindowRow) throws(E) -> Void) throws(E) {
        for i in states.indices {
            try states[i].flush(configuration: configuration, totals: &totals, emit: emit)
        }
    }
}
