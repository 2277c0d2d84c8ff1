import BNCWire

/// One symbol's windowing state: the ring of open windows, the id bookkeeping that tells gaps,
/// reordered trades and duplicates apart, and the symbol's event-time watermark.
///
/// Trade-id rules (ids are consecutive per symbol on Binance; an aggTrade covers `f…l`), kept
/// exactly by `SeenTradeIDs` over every id the open windows can still take:
/// - a trade any of whose ids was already delivered is a *duplicate*: dropped and counted in the
///   window holding the symbol's latest trade time (where the stream was when it arrived);
/// - when a window closes, the ids up to its highest that were never delivered (and were not
///   charged to an earlier window) are its *missing* trades; a trade delivered before that, in
///   any order, is never missing;
/// - ids below those still remembered (older than the 1024 newest settled runs) cannot be told
///   apart from repeats: such a trade is counted *late*, never a duplicate.
/// Time rule: a trade whose window has already closed (or lies before the symbol's first window)
/// is *late*: dropped and counted in that same newest window (its ids count as delivered). A
/// window `[s, e)` closes once an accepted trade at or after `e + lateness` arrives for the
/// symbol, or at end of input.
struct SymbolWindows {
    let symbol: Symbol
    /// Index (start / size) of the symbol's first window: partial, never complete.
    let firstIndex: Int64
    /// Oldest window not yet emitted; windows `nextClose…newest` are open.
    var nextClose: Int64
    var newest: Int64
    var ring: [WindowAccumulator]
    let ringMask: Int64
    /// The window of the last trade seen: most trades fall in it, so most need no division.
    var cachedIndex: Int64 = -1
    var cachedStart: Int64 = .min / 2
    var ids = SeenTradeIDs()
    /// Latest accepted trade time.
    var watermark: Int64

    init(symbol: Symbol, firstIndex: Int64, time: Int64, capacity: Int) {
        self.symbol = symbol
        self.firstIndex = firstIndex
        nextClose = firstIndex
        newest = firstIndex
        var size = 1
        while size < capacity { size <<= 1 }
        ring = Array(repeating: WindowAccumulator(), count: size)
        ringMask = Int64(size - 1)
        watermark = time
    }

    /// Ring position of window `index` (the ring size is a power of two: no division).
    @inline(__always) func slot(_ index: Int64) -> Int { Int(index & ringMask) }

    /// Window index of `time`, dividing only when the time leaves the window of the last trade.
    @inline(__always) mutating func windowIndex(of time: Int64, size: Int64) -> Int64 {
        if time >= cachedStart && time < cachedStart + size { return cachedIndex }
        cachedIndex = time / size
        cachedStart = cachedIndex * size
        return cachedIndex
    }

    /// Takes one trade at `time`; calls `emit` for every window that closes because of it.
    @inline(__always)
    mutating func add<E: Error>(
        _ trade: Trade, time: Int64, configuration: WindowConfiguration, totals: inout WindowTotals,
        emit: (WindowRow) throws(E) -> Void
    ) throws(E) {
        let size = configuration.windowMilliseconds
        let index = windowIndex(of: time, size: size)
        let count = trade.tradeCount

        // 1. Ids.
        switch ids.insert(trade.firstTradeID, trade.lastTradeID) {
        case .new:
            break
        case .duplicate:
            ring[slot(newest)].duplicates += 1
            totals.duplicates += 1
            return
        case .unknown:
            ring[slot(newest)].lateTrades += 1
            totals.lateTrades += 1
            return
        }

        // 2. Time.
        if index < nextClose {
            ring[slot(newest)].lateTrades += 1
            totals.lateTrades += 1
            return
        }
        let newWatermark = max(watermark, time)
        if newWatermark > watermark {
            watermark = newWatermark
            try close(through: newWatermark, configuration: configuration, totals: &totals, emit: emit)
        }
        if index > newest {
            var i = max(newest + 1, nextClose)
            while i <= index { ring[slot(i)] = WindowAccumulator(); i += 1 }
            newest = index
        }
        ring[slot(index)].add(price: trade.price, quantity: trade.quantity, firstID: trade.firstTradeID,
                              lastID: trade.lastTradeID, count: count, takerBuy: !trade.buyerIsMaker)
        totals.trades += count
    }

    /// Emits every window whose `end + lateness ≤ watermark`, empty ones included.
    mutating func close<E: Error>(
        through watermark: Int64, configuration: WindowConfiguration, totals: inout WindowTotals,
        emit: (WindowRow) throws(E) -> Void
    ) throws(E) {
        let size = configuration.windowMilliseconds
        while (nextClose + 1) * size + configuration.latenessMilliseconds <= watermark {
            try emitWindow(nextClose, size: size, wholeInsideInput: nextClose != firstIndex, totals: &totals, emit: emit)
            nextClose += 1
        }
        // Every closed window's slot was reset when it was emitted, so window `nextClose` is
        // ready as an empty open window if all stored ones just closed.
        if newest < nextClose { newest = nextClose }
    }

    /// Emits every open window as partial (end of input or a stop signal).
    mutating func flush<E: Error>(configuration: WindowConfiguration, totals: inout WindowTotals,
                        emit: (WindowRow) throws(E) -> Void) throws(E) {
        let size = configuration.windowMilliseconds
        while nextClose <= newest {
            try emitWindow(nextClose, size: size, wholeInsideInput: false, totals: &totals, emit: emit)
            nextClose += 1
        }
    }

    mutating func emitWindow<E: Error>(_ index: Int64, size: Int64, wholeInsideInput: Bool, totals: inout WindowTotals,
                             emit: (WindowRow) throws(E) -> Void) throws(E) {
        let row: WindowRow
        if index <= newest {
            if ring[slot(index)].tradeCount > 0 {
                ring[slot(index)].missingTrades = ids.settle(through: ring[slot(index)].lastTradeID)
            }
            row = ring[slot(index)].row(symbol: symbol, start: index * size, end: (index + 1) * size,
                                        complete: wholeInsideInput)
            ring[slot(index)] = WindowAccumulator()
        } else {
            row = WindowRow(symbol: symbol, start: index * size, end: (index + 1) * size, complete: wholeInsideInput)
        }
        totals.rows += 1
        if row.complete { totals.completeRows += 1 }
        totals.missingTrades = totals.missingTrades.addingReportingOverflow(row.missingTrades).overflow
            ? .max : totals.missingTrades + row.missingTrades
        try emit(row)
    }
}
