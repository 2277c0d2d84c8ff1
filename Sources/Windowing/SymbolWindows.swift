import BNCWire

/// One symbol's windowing state: the ring of open windows, the id bookkeeping that tells gaps,
/// reordered trades and duplicates apart, the symbol's event-time watermark, and the quarantine
/// that keeps a glitched time from moving it.
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
///
/// Time glitches (issue 11). The watermark only moves for trades near it:
/// - a trade with impossible ids, or a time outside `plausibleTimes`, is an *outlier*:
///   quarantined (dropped, counted in `outlier_trades` of the newest window), ids untouched;
/// - a trade more than `maxJump` ahead of the watermark is held: if the next trades of the symbol
///   are near the watermark again it was a glitch (an outlier); if `jumpConfirmations` far trades
///   in a row each lie within `maxJump` of the one before, the jump is genuine and they are
///   windowed in arrival order. The empty windows of the span it skipped are never `complete`;
/// - a trade more than `maxJump` behind the watermark is an outlier, except while the symbol is
///   young (no window closed, fewer than `jumpConfirmations` trades taken): then a chain of such
///   trades means the *first* trades were the glitch, and the symbol starts again from the chain
///   (what it had taken becomes outliers);
/// - at most `maxSilence / window` empty windows are written in a row; the rest of a longer
///   silence is skipped and reported once (`SilenceSkip`).
struct SymbolWindows {
    struct Held {
        var trade: Trade
        var time: Int64
    }

    let symbol: Symbol
    /// Index (start / size) of the symbol's first window: partial, never complete.
    var firstIndex: Int64
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
    /// Far trades that agree with each other: a jump waiting for confirmation.
    var held: [Held] = [] { didSet { holding = !held.isEmpty } }
    /// `!held.isEmpty`, as one stored flag for the hot path.
    var holding = false
    /// Trade lines taken into windows (for the "young" rule).
    var acceptedLines = 0
    /// Empty windows written in a row since the last window with trades.
    var silentRun: Int64 = 0
    /// Windows cut from the current silence, not yet reported.
    var skip: SilenceSkip?
    /// Windows inside the span of the latest accepted jump: never complete.
    var jumpSpan: Range<Int64> = 0..<0

    init(symbol: Symbol, time: Int64, configuration: WindowConfiguration) {
        self.symbol = symbol
        firstIndex = time / configuration.windowMilliseconds
        nextClose = firstIndex
        newest = firstIndex
        var size = 1
        while size < configuration.openWindowCapacity { size <<= 1 }
        ring = Array(repeating: WindowAccumulator(), count: size)
        ringMask = Int64(size - 1)
        watermark = time
        // `held` is not reserved ahead: it is needed only during a jump, and 2,000 symbols would
        // each carry `jumpConfirmations` trades' worth of it (about 0.5 KiB) for nothing.
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
        skips: inout [SilenceSkip], emit: (WindowRow) throws(E) -> Void
    ) throws(E) {
        let maxJump = configuration.maxJumpMilliseconds
        // Times are within `plausibleTimes` ⊂ 0…2^53 once a symbol exists: no overflow.
        // |time − watermark| > maxJump in one unsigned comparison.
        let far = UInt64(bitPattern: time &- watermark &+ maxJump) > UInt64(bitPattern: maxJump &* 2)
        // (The plausible range is checked here too: near the watermark is not enough at its edges,
        // found by Fuzz/Pipeline: a 2100 trade minutes after a trade late on 2099-12-31.)
        if far || holding || !trade.hasPlausibleIDs || !configuration.plausibleTimes.contains(time) {
            try addUnusual(trade, time: time, configuration: configuration, totals: &totals, skips: &skips, emit: emit)
            return
        }
        try accept(trade, time: time, configuration: configuration, totals: &totals, skips: &skips, emit: emit)
    }

    /// Far trades, held ones, impossible ids: the quarantine rules (see the type's comment).
    @inline(never)
    mutating func addUnusual<E: Error>(
        _ trade: Trade, time: Int64, configuration: WindowConfiguration, totals: inout WindowTotals,
        skips: inout [SilenceSkip], emit: (WindowRow) throws(E) -> Void
    ) throws(E) {
        guard trade.hasPlausibleIDs, configuration.plausibleTimes.contains(time) else {
            quarantine(1, totals: &totals)
            return
        }
        let maxJump = configuration.maxJumpMilliseconds
        let ahead = time - watermark > maxJump
        let behind = watermark - time > maxJump
        if !ahead && !behind {
            // Near the watermark again: whatever was held was a glitch.
            releaseHeldAsOutliers(totals: &totals)
            try accept(trade, time: time, configuration: configuration, totals: &totals, skips: &skips, emit: emit)
            return
        }
        let young = nextClose == firstIndex && acceptedLines < configuration.jumpConfirmations
        if behind && !young {
            quarantine(1, totals: &totals)
            return
        }
        if let last = held.last, (last.time > watermark) == ahead, abs(time - last.time) <= maxJump {
            held.append(Held(trade: trade, time: time))
        } else {
            releaseHeldAsOutliers(totals: &totals)
            held.append(Held(trade: trade, time: time))
        }
        guard held.count >= configuration.jumpConfirmations else { return }

        // Confirmed.
        let chain = held
        held.removeAll(keepingCapacity: true)
        let size = configuration.windowMilliseconds
        if ahead {
            let from = watermark / size + 1
            let until = chain.reduce(Int64.max) { min($0, $1.time) } / size
            if until > from {
                jumpSpan = (jumpSpan.upperBound > nextClose ? min(jumpSpan.lowerBound, from) : from)..<until
            }
        } else {
            startAgain(at: chain[0].time, configuration: configuration, totals: &totals)
        }
        totals.jumps += 1
        for h in chain {
            try accept(h.trade, time: h.time, configuration: configuration, totals: &totals, skips: &skips, emit: emit)
        }
    }

    /// Counts `lines` quarantined trades in the newest window (where the stream was).
    mutating func quarantine(_ lines: Int64, totals: inout WindowTotals) {
        ring[slot(newest)].outlierTrades += lines
        totals.outlierTrades += lines
    }

    mutating func releaseHeldAsOutliers(totals: inout WindowTotals) {
        guard !held.isEmpty else { return }
        quarantine(Int64(held.count), totals: &totals)
        held.removeAll(keepingCapacity: true)
    }

    /// A young symbol whose first trades were the glitch: forget them (as outliers) and start at
    /// `time`. Nothing was written for it yet, so nothing written is contradicted.
    mutating func startAgain(at time: Int64, configuration: WindowConfiguration, totals: inout WindowTotals) {
        var carried = WindowAccumulator()
        // Young: no window has closed, so every trade taken is in the open ones.
        var acceptedTrades: Int64 = 0
        var i = nextClose
        while i <= newest {
            acceptedTrades += ring[slot(i)].tradeCount
            carried.duplicates += ring[slot(i)].duplicates
            carried.lateTrades += ring[slot(i)].lateTrades
            carried.outlierTrades += ring[slot(i)].outlierTrades
            ring[slot(i)] = WindowAccumulator()
            i += 1
        }
        carried.outlierTrades += Int64(acceptedLines)
        totals.outlierTrades += Int64(acceptedLines)
        totals.trades -= acceptedTrades
        totals.tradeLines -= Int64(acceptedLines)
        let jumps = jumpSpan
        self = SymbolWindows(symbol: symbol, time: time, configuration: configuration)
        jumpSpan = jumps
        ring[slot(firstIndex)] = carried
    }

    /// Windows one trade whose time is believed.
    @inline(__always)
    mutating func accept<E: Error>(
        _ trade: Trade, time: Int64, configuration: WindowConfiguration, totals: inout WindowTotals,
        skips: inout [SilenceSkip], emit: (WindowRow) throws(E) -> Void
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
        if time > watermark {
            watermark = time
            try close(through: time, configuration: configuration, totals: &totals, skips: &skips, emit: emit)
        }
        if index > newest {
            // Fresh slots for the new windows (at most the ring's size: older slots are clean).
            var i = max(newest + 1, nextClose, index - ringMask)
            while i <= index { ring[slot(i)] = WindowAccumulator(); i += 1 }
            newest = index
        }
        ring[slot(index)].add(price: trade.price, quantity: trade.quantity, firstID: trade.firstTradeID,
                              lastID: trade.lastTradeID, count: count, takerBuy: !trade.buyerIsMaker)
        totals.trades += count
        totals.tradeLines += 1
        acceptedLines += 1
    }

    /// A heartbeat of the live feed (formats.md §1): the exchange clock of this symbol's stream
    /// has reached `time`, so windows with `end + lateness ≤ time` close now, empty ones
    /// included. It moves the watermark as a trade at `time` would, but only forward and only
    /// within `maxJump` of it (a heartbeat is never a jump), not while a jump waits for
    /// confirmation, and never outside `plausibleTimes`; otherwise it is ignored. It takes no id
    /// and no trade, so trade-only input windows exactly as before.
    mutating func advance<E: Error>(
        to time: Int64, configuration: WindowConfiguration, totals: inout WindowTotals,
        skips: inout [SilenceSkip], emit: (WindowRow) throws(E) -> Void
    ) throws(E) {
        guard !holding, time > watermark, time - watermark <= configuration.maxJumpMilliseconds,
              configuration.plausibleTimes.contains(time) else { return }
        watermark = time
        try close(through: time, configuration: configuration, totals: &totals, skips: &skips, emit: emit)
    }

    /// Emits every window whose `end + lateness ≤ watermark`, empty ones included (up to the
    /// silence limit).
    mutating func close<E: Error>(
        through watermark: Int64, configuration: WindowConfiguration, totals: inout WindowTotals,
        skips: inout [SilenceSkip], emit: (WindowRow) throws(E) -> Void
    ) throws(E) {
        let size = configuration.windowMilliseconds
        // The last window with (i + 1)·size + lateness ≤ watermark (floor division: may be < 0).
        let shifted = watermark - configuration.latenessMilliseconds
        let target = (shifted >= 0 ? shifted / size : (shifted - size + 1) / size) - 1
        while nextClose <= target {
            if nextClose > newest {
                // No trade has reached any window from here to `target`: one run of empty windows,
                // written up to the silence limit and skipped beyond it, without visiting each.
                let run = target - nextClose + 1
                let written = min(run, max(0, configuration.maxSilentWindows - silentRun))
                var k: Int64 = 0
                while k < written {
                    try emitWindow(nextClose, configuration: configuration, wholeInsideInput: nextClose != firstIndex,
                                   totals: &totals, skips: &skips, emit: emit)
                    nextClose += 1
                    k += 1
                }
                if run > written { noteSkipped(from: nextClose, count: run - written, size: size, totals: &totals) }
                nextClose = target + 1
                break
            }
            try emitWindow(nextClose, configuration: configuration, wholeInsideInput: nextClose != firstIndex,
                           totals: &totals, skips: &skips, emit: emit)
            nextClose += 1
        }
        // Every closed window's slot was reset when it was emitted, so window `nextClose` is
        // ready as an empty open window if all stored ones just closed.
        if newest < nextClose { newest = nextClose }
    }

    mutating func noteSkipped(from index: Int64, count: Int64, size: Int64, totals: inout WindowTotals) {
        totals.skippedWindows += count
        if var s = skip {
            s.to = (index + count) * size
            s.windows += count
            skip = s
        } else {
            skip = SilenceSkip(symbol: symbol, from: index * size, to: (index + count) * size, windows: count)
        }
    }

    /// Emits every open window as partial (end of input or a stop signal); held trades were never
    /// confirmed, so they are outliers.
    mutating func flush<E: Error>(configuration: WindowConfiguration, totals: inout WindowTotals,
                                  skips: inout [SilenceSkip], emit: (WindowRow) throws(E) -> Void) throws(E) {
        releaseHeldAsOutliers(totals: &totals)
        while nextClose <= newest {
            try emitWindow(nextClose, configuration: configuration, wholeInsideInput: false, totals: &totals,
                           skips: &skips, emit: emit)
            nextClose += 1
        }
        if let s = skip { skips.append(s); skip = nil }
    }

    mutating func emitWindow<E: Error>(_ index: Int64, configuration: WindowConfiguration, wholeInsideInput: Bool,
                                       totals: inout WindowTotals, skips: inout [SilenceSkip],
                                       emit: (WindowRow) throws(E) -> Void) throws(E) {
        let size = configuration.windowMilliseconds
        let complete = wholeInsideInput && !jumpSpan.contains(index)
        let row: WindowRow
        if index <= newest {
            let s = slot(index)
            if ring[s].tradeCount > 0 {
                ring[s].missingTrades = ids.settle(through: ring[s].lastTradeID)
                silentRun = 0
            } else if ring[s].isBlank && silentRun >= configuration.maxSilentWindows {
                noteSkipped(from: index, count: 1, size: size, totals: &totals)
                return
            } else {
                silentRun += 1
            }
            row = ring[s].row(symbol: symbol, start: index * size, end: (index + 1) * size, complete: complete)
            ring[s] = WindowAccumulator()
        } else {
            if silentRun >= configuration.maxSilentWindows {
                noteSkipped(from: index, count: 1, size: size, totals: &totals)
                return
            }
            silentRun += 1
            row = WindowRow(symbol: symbol, start: index * size, end: (index + 1) * size, complete: complete)
        }
        if row.tradeCount > 0, let s = skip { skips.append(s); skip = nil }
        totals.rows += 1
        if row.complete { totals.completeRows += 1 }
        let (sum, overflow) = totals.missingTrades.addingReportingOverflow(row.missingTrades)
        totals.missingTrades = overflow ? .max : sum
        try emit(row)
    }
}
