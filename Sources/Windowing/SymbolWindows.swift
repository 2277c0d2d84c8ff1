import BNCWire

/// One symbol's windowing state: the ring of open windows, the id bookkeeping that tells gaps,
/// reordered trades and duplicates apart, and the symbol's event-time watermark.
///
/// Trade-id rules (ids are consecutive per symbol on Binance; an aggTrade covers `f…l`):
/// - ids above the highest seen are new; if they skip k ids, those k are *missing* and are charged
///   to the window the jump lands in (the newest open window if the trade itself is late), and the
///   skipped range is remembered as a gap (the 64 most recent gaps are kept);
/// - ids inside a remembered gap are a reordered delivery: they are removed from the gap and, if
///   the window the gap was charged to is still open, no longer counted missing there;
/// - ids below the lowest seen are older than the input's start for this symbol: not repeats;
/// - any other id at or below the highest seen is a *duplicate*: dropped and counted in the
///   window holding the symbol's latest trade time (where the stream was when it arrived).
/// Time rule: a trade whose window has already closed (or lies before the symbol's first window)
/// is *late*: dropped and counted in that same newest window. A window `[s, e)` closes once an
/// accepted trade at or after `e + lateness` arrives for the symbol, or at end of input.
struct SymbolWindows {
    struct Gap {
        var lower: Int64
        var upper: Int64
        var windowIndex: Int64
    }

    static let rememberedGaps = 64

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
    var highestID: Int64
    var lowestID: Int64
    var gaps: [Gap] = []
    /// Latest accepted trade time.
    var watermark: Int64

    init(symbol: Symbol, firstIndex: Int64, firstID: Int64, time: Int64, capacity: Int) {
        self.symbol = symbol
        self.firstIndex = firstIndex
        nextClose = firstIndex
        newest = firstIndex
        var size = 1
        while size < capacity { size <<= 1 }
        ring = Array(repeating: WindowAccumulator(), count: size)
        ringMask = Int64(size - 1)
        highestID = firstID - 1
        lowestID = firstID
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
        var gapCharge: Int64 = 0
        var fillsOpenGapOf: Int64 = -1   // window index whose missing count the trade un-counts

        // 1. Ids.
        if trade.firstTradeID > highestID {
            gapCharge = trade.firstTradeID - highestID - 1
            highestID = trade.lastTradeID
        } else if trade.lastTradeID > highestID {
            // Overlaps the newest ids (an aggTrade straddling them): take it as new, no gap.
            highestID = trade.lastTradeID
        } else if trade.lastTradeID < lowestID {
            // Older than anything seen (the input started after it): not a repeat.
            lowestID = trade.firstTradeID
        } else if let g = gaps.firstIndex(where: { trade.firstTradeID >= $0.lower && trade.lastTradeID <= $0.upper }) {
            let gap = gaps[g]
            if gap.windowIndex >= nextClose { fillsOpenGapOf = gap.windowIndex }
            // Cut the filled ids out of the gap.
            var pieces: [Gap] = []
            if trade.firstTradeID > gap.lower {
                pieces.append(Gap(lower: gap.lower, upper: trade.firstTradeID - 1, windowIndex: gap.windowIndex))
            }
            if trade.lastTradeID < gap.upper {
                pieces.append(Gap(lower: trade.lastTradeID + 1, upper: gap.upper, windowIndex: gap.windowIndex))
            }
            gaps.replaceSubrange(g...g, with: pieces)
        } else {
            ring[slot(newest)].duplicates += 1
            totals.duplicates += 1
            return
        }
        if fillsOpenGapOf >= 0 { ring[slot(fillsOpenGapOf)].missingTrades -= count }

        // 2. Time.
        if index < nextClose {
            if gapCharge > 0 { recordGap(gapCharge, before: trade.firstTradeID, window: newest) }
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
        if gapCharge > 0 { recordGap(gapCharge, before: trade.firstTradeID, window: index) }
        ring[slot(index)].add(price: trade.price, quantity: trade.quantity, firstID: trade.firstTradeID,
                              lastID: trade.lastTradeID, count: count, takerBuy: !trade.buyerIsMaker)
        totals.trades += count
    }

    mutating func recordGap(_ count: Int64, before id: Int64, window: Int64) {
        ring[slot(window)].missingTrades += count
        if gaps.count == SymbolWindows.rememberedGaps { gaps.removeFirst() }
        gaps.append(Gap(lower: id - count, upper: id - 1, windowIndex: window))
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
            row = ring[slot(index)].row(symbol: symbol, start: index * size, end: (index + 1) * size,
                                        complete: wholeInsideInput)
            ring[slot(index)] = WindowAccumulator()
        } else {
            row = WindowRow(symbol: symbol, start: index * size, end: (index + 1) * size, complete: wholeInsideInput)
        }
        totals.rows += 1
        if row.complete { totals.completeRows += 1 }
        totals.missingTrades += row.missingTrades
        try emit(row)
    }
}
