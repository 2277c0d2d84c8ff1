/// A set of trade ids kept as sorted, disjoint, non-adjacent runs of consecutive ids.
///
/// Binance numbers the trades of a symbol one by one, so the ids of a stream are consecutive
/// almost everywhere and a whole day is a handful of runs however many trades it holds. The one
/// id set of the package: `bnc-window` keeps the ids a symbol delivered in it (`SeenTradeIDs`:
/// duplicates, gaps and reordering told apart exactly), and `bnc-stream record` the ids a daily
/// file holds (`DailyTradeFiles`: a rerun stores each trade once). Before issue 15 these were two
/// copies of the same structure.
///
/// The highest run is kept out of the array, so the common case — the next id, or a new run above
/// all others — touches two integers and never allocates (the array's capacity is kept; it grows
/// amortised only when the input fragments the ids). A lower id is placed by binary search and
/// merged with its neighbours.
///
/// Public, with its fast path `@inlinable`: it is on bnc-window's per-trade path, and Swift 6.3
/// does not inline `package` declarations across modules (see architecture.md).
public struct TradeIDRuns: Sendable, Equatable {
    @usableFromInline struct Run: Sendable, Equatable {
        @usableFromInline var lower: Int64
        @usableFromInline var upper: Int64
        @inlinable init(lower: Int64, upper: Int64) { self.lower = lower; self.upper = upper }
    }

    /// The runs below the top one, in order.
    @usableFromInline var below: [Run] = []
    /// The highest run; `topUpper` is `Int64.max` while there is none, so every insert then takes
    /// the general path.
    @usableFromInline var topLower: Int64 = .max
    @usableFromInline var topUpper: Int64 = .max
    @usableFromInline var hasTop = false

    public init() {}

    /// All runs, in order.
    package var runs: [ClosedRange<Int64>] {
        var all = below.map { $0.lower...$0.upper }
        if hasTop { all.append(topLower...topUpper) }
        return all
    }

    /// How many ids are held.
    package var count: Int64 { runs.reduce(0) { $0 + ($1.upperBound - $1.lowerBound + 1) } }

    /// The lowest id held.
    package var lowest: Int64? { below.first?.lower ?? (hasTop ? topLower : nil) }

    package func contains(_ id: Int64) -> Bool {
        if hasTop && id >= topLower { return id <= topUpper }
        let k = firstRun(reaching: id)
        return k < below.count && below[k].lower <= id
    }

    /// Adds `id`; false when it was already held.
    @discardableResult
    package mutating func insert(_ id: Int64) -> Bool { insert(id, id) }

    /// Adds `first…last` (`first ≤ last`) unless any of them is held: then nothing is added and
    /// the answer is false.
    @inlinable @inline(__always)
    public mutating func insert(_ first: Int64, _ last: Int64) -> Bool {
        insertAboveAll(first, last) || insertBelowTop(first, last)
    }

    /// The fast path alone: adds `first…last` if it lies above every id held (the next trade of
    /// an in-order stream), else changes nothing and answers false.
    @inlinable @inline(__always)
    public mutating func insertAboveAll(_ first: Int64, _ last: Int64) -> Bool {
        guard first > topUpper else { return false }
        // Extend the top run or start a new one above it. (first > topUpper ≥ 0 for Binance's
        // ids; the subtraction wraps so that no input can trap.)
        if first &- topUpper == 1 {
            topUpper = last
        } else {
            below.append(Run(lower: topLower, upper: topUpper))
            topLower = first
            topUpper = last
        }
        return true
    }

    /// The general case of `insert`: no run yet, or ids at or below the top run (also correct,
    /// only slower, for ids above it).
    @inline(never)
    public mutating func insertBelowTop(_ first: Int64, _ last: Int64) -> Bool {
        // The top run joins the others for the search, and is taken out again afterwards.
        if hasTop { below.append(Run(lower: topLower, upper: topUpper)) }
        defer {
            if let top = below.popLast() {
                hasTop = true
                topLower = top.lower
                topUpper = top.upper
            } else {
                hasTop = false
                topLower = .max
                topUpper = .max
            }
        }
        if below.isEmpty {
            below.append(Run(lower: first, upper: last))
            return true
        }
        let k = firstRun(reaching: first)
        if k < below.count && below[k].lower <= last { return false }
        let joinsBelow = k > 0 && first &- below[k - 1].upper == 1
        let joinsAbove = k < below.count && below[k].lower &- last == 1
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            below[k - 1].upper = below[k].upper
            below.remove(at: k)
        case (true, false): below[k - 1].upper = last
        case (false, true): below[k].lower = first
        case (false, false): below.insert(Run(lower: first, upper: last), at: k)
        }
        return true
    }

    /// Index in `below` of the first run whose upper end is ≥ `id` (`below.count` when none).
    private func firstRun(reaching id: Int64) -> Int {
        var lo = 0, hi = below.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if below[mid].upper < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// How many ids of `from…through` are held, looking only at the runs that reach `from`, from
    /// the top down (cheap when `from` is recent). Both bounds must be ≥ 0 or the caller must
    /// know that the count fits; saturates at `Int64.max`.
    package func heldCount(from: Int64, through: Int64) -> Int64 {
        var held: Int64 = 0
        func add(_ lower: Int64, _ upper: Int64) {
            let a = max(lower, from), b = min(upper, through)
            guard a <= b else { return }
            let (sum, overflow) = held.addingReportingOverflow((b - a) + 1)
            held = overflow ? .max : sum
        }
        if hasTop { add(topLower, topUpper) }
        var i = below.count
        while i > 0 && below[i - 1].upper >= from {
            i -= 1
            add(below[i].lower, below[i].upper)
        }
        return held
    }

    /// Runs other than the top one (what `forgetOldest` counts).
    package var runsBelowTop: Int { below.count }

    /// Forgets the oldest runs among those below the top one that end at or below `settled`,
    /// keeping the `keep` newest of them; returns the first id still known after that (nil when
    /// nothing was forgotten).
    package mutating func forgetOldest(endingAtOrBelow settled: Int64, keeping keep: Int) -> Int64? {
        var count = 0
        while count < below.count && below[count].upper <= settled { count += 1 }
        let drop = count - keep
        guard drop > 0 else { return nil }
        let knownFrom = below[drop - 1].upper + 1
        below.removeFirst(drop)
        return knownFrom
    }
}
