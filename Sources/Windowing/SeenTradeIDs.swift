/// The trade ids one symbol has delivered, kept exactly as sorted disjoint runs `[lower, upper]`,
/// so a reordered trade is never mistaken for a repeat (issue 11: a shuffled capture reported
/// thousands of "duplicates" when only the 64 latest gaps were remembered).
///
/// - Every id above `settledThrough` (the span the open windows can still take) is known exactly.
///   An in-order stream is one run that grows at its top: one comparison per trade, no allocation
///   (the array's capacity is kept; it grows amortised only when the input fragments the ids).
/// - Closing a window *settles* its ids: the ids up to its highest that were never delivered are
///   its missing trades (`settle`). Settled runs are kept too, so a late repeat of an old trade is
///   still a duplicate, but only the `keptSettledRuns` newest: below the oldest kept one
///   (`knownFrom`) nothing can be told, and such an id is answered `.unknown` (dropped as late —
///   never called a duplicate, since it may be unique).
/// Ids are non-negative (`Trade.hasPlausibleIDs`); no arithmetic here can overflow.
struct SeenTradeIDs {
    struct Run: Equatable {
        var lower: Int64
        var upper: Int64
    }

    enum Insertion: Equatable {
        /// None of the ids was seen: they are recorded now.
        case new
        /// At least one of the ids was seen before.
        case duplicate
        /// The ids lie below what is still remembered.
        case unknown
    }

    /// Settled runs kept beyond the open span; pruned in batches when twice as many pile up.
    static let keptSettledRuns = 1024

    /// The runs below the top one, in order.
    private var lower: [Run] = []
    /// The highest run, kept out of the array so an in-order trade touches two integers only.
    /// `topUpper` is `Int64.max` while there is no run yet (then every insert takes the slow path).
    private var topLower: Int64 = .max
    private var topUpper: Int64 = .max
    private var hasTop = false
    /// Ids below this are forgotten.
    private(set) var knownFrom: Int64 = .min
    /// Ids at or below this have been charged to a closed window.
    private(set) var settledThrough: Int64 = .min
    /// Lowest id ever delivered: ids below it are older than this symbol's input, never missing.
    private(set) var lowestSeen: Int64 = .max

    /// All runs, in order (tests).
    var runs: [Run] { hasTop ? lower + [Run(lower: topLower, upper: topUpper)] : lower }

    /// Records `first…last` (first ≤ last) unless any of them was seen.
    @inline(__always)
    mutating func insert(_ first: Int64, _ last: Int64) -> Insertion {
        if first > topUpper {
            // Both ≥ 0 here, so the difference cannot overflow.
            if first - topUpper == 1 {
                topUpper = last
            } else {
                lower.append(Run(lower: topLower, upper: topUpper))
                topLower = first
                topUpper = last
            }
            return .new
        }
        return insertSlow(first, last)
    }

    /// Moves the top run into the array (for the slow paths) and back.
    private mutating func spill() {
        if hasTop { lower.append(Run(lower: topLower, upper: topUpper)) }
        hasTop = false
        topLower = .max
        topUpper = .max
    }

    private mutating func unspill() {
        guard let top = lower.popLast() else { return }
        hasTop = true
        topLower = top.lower
        topUpper = top.upper
    }

    @inline(never)
    private mutating func insertSlow(_ first: Int64, _ last: Int64) -> Insertion {
        spill()
        defer { unspill() }
        return insertInRuns(first, last)
    }

    private mutating func insertInRuns(_ first: Int64, _ last: Int64) -> Insertion {
        if lower.isEmpty {
            lower.append(Run(lower: first, upper: last))
            lowestSeen = first
            return .new
        }
        if first < knownFrom { return .unknown }
        // First run whose upper end reaches `first`.
        var lo = 0, hi = lower.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lower[mid].upper < first { lo = mid + 1 } else { hi = mid }
        }
        if lo < lower.count && lower[lo].lower <= last { return .duplicate }
        if first < lowestSeen { lowestSeen = first }
        let joinsBelow = lo > 0 && first - lower[lo - 1].upper == 1
        let joinsAbove = lo < lower.count && lower[lo].lower - last == 1
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            lower[lo - 1].upper = lower[lo].upper
            lower.remove(at: lo)
        case (true, false): lower[lo - 1].upper = last
        case (false, true): lower[lo].lower = first
        case (false, false): lower.insert(Run(lower: first, upper: last), at: lo)
        }
        return .new
    }

    /// Settles every id up to `highest` (the highest id of a closing window) and returns how many
    /// of the not yet settled ones were never delivered (from this symbol's lowest id on).
    mutating func settle(through highest: Int64) -> Int64 {
        // Everything is settled once Int64.max is (found by Fuzz/Pipeline: the + 1 overflowed).
        guard settledThrough != .max else { return 0 }
        let from = max(settledThrough == .min ? Int64.min : settledThrough + 1, lowestSeen)
        guard highest >= from else { return 0 }
        // Ids in from…highest, less those delivered. (highest − from) fits: both are ≥ 0.
        var unseen = highest - from
        unseen = unseen == Int64.max ? Int64.max : unseen + 1
        if hasTop {
            let a = max(topLower, from), b = min(topUpper, highest)
            if a <= b { unseen -= (b - a) + 1 }
        }
        var i = lower.count
        while i > 0 && lower[i - 1].upper >= from {
            i -= 1
            let a = max(lower[i].lower, from), b = min(lower[i].upper, highest)
            if a <= b { unseen -= (b - a) + 1 }
        }
        settledThrough = highest
        if lower.count > 2 * SeenTradeIDs.keptSettledRuns { pruneSettled() }
        return max(0, unseen)
    }

    /// Forgets the oldest settled runs once more than twice `keptSettledRuns` have piled up.
    private mutating func pruneSettled() {
        var settled = 0
        while settled < lower.count && lower[settled].upper <= settledThrough { settled += 1 }
        let drop = settled - SeenTradeIDs.keptSettledRuns
        guard drop > 0 else { return }
        knownFrom = lower[drop - 1].upper + 1
        lower.removeFirst(drop)
    }
}
