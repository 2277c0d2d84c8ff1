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

    private(set) var runs: [Run] = []
    /// Ids below this are forgotten.
    private(set) var knownFrom: Int64 = .min
    /// Ids at or below this have been charged to a closed window.
    private(set) var settledThrough: Int64 = .min
    /// Lowest id ever delivered: ids below it are older than this symbol's input, never missing.
    private(set) var lowestSeen: Int64 = .max

    /// Records `first…last` (first ≤ last) unless any of them was seen.
    @inline(__always)
    mutating func insert(_ first: Int64, _ last: Int64) -> Insertion {
        if let top = runs.last, first > top.upper {
            if first - top.upper == 1 { runs[runs.count - 1].upper = last } else { runs.append(Run(lower: first, upper: last)) }
            return .new
        }
        return insertSlow(first, last)
    }

    @inline(never)
    private mutating func insertSlow(_ first: Int64, _ last: Int64) -> Insertion {
        if runs.isEmpty {
            runs.append(Run(lower: first, upper: last))
            lowestSeen = first
            return .new
        }
        if first < knownFrom { return .unknown }
        // First run whose upper end reaches `first`.
        var lo = 0, hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].upper < first { lo = mid + 1 } else { hi = mid }
        }
        if lo < runs.count && runs[lo].lower <= last { return .duplicate }
        if first < lowestSeen { lowestSeen = first }
        let joinsBelow = lo > 0 && first - runs[lo - 1].upper == 1
        let joinsAbove = lo < runs.count && runs[lo].lower - last == 1
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            runs[lo - 1].upper = runs[lo].upper
            runs.remove(at: lo)
        case (true, false): runs[lo - 1].upper = last
        case (false, true): runs[lo].lower = first
        case (false, false): runs.insert(Run(lower: first, upper: last), at: lo)
        }
        return .new
    }

    /// Settles every id up to `highest` (the highest id of a closing window) and returns how many
    /// of the not yet settled ones were never delivered (from this symbol's lowest id on).
    mutating func settle(through highest: Int64) -> Int64 {
        let from = max(settledThrough == .min ? Int64.min : settledThrough + 1, lowestSeen)
        guard highest >= from else { return 0 }
        // Ids in from…highest, less those delivered. (highest − from) fits: both are ≥ 0.
        var unseen = highest - from
        unseen = unseen == Int64.max ? Int64.max : unseen + 1
        var i = runs.count
        while i > 0 && runs[i - 1].upper >= from {
            i -= 1
            let a = max(runs[i].lower, from), b = min(runs[i].upper, highest)
            if a <= b { unseen -= (b - a) + 1 }
        }
        settledThrough = highest
        pruneSettled()
        return max(0, unseen)
    }

    /// Forgets the oldest settled runs once more than twice `keptSettledRuns` have piled up.
    private mutating func pruneSettled() {
        guard runs.count > 2 * SeenTradeIDs.keptSettledRuns else { return }
        var settled = 0
        while settled < runs.count && runs[settled].upper <= settledThrough { settled += 1 }
        let drop = settled - SeenTradeIDs.keptSettledRuns
        guard drop > 0 else { return }
        knownFrom = runs[drop - 1].upper + 1
        runs.removeFirst(drop)
    }
}
