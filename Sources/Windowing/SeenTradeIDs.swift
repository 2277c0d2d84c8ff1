import BNCWire

/// The trade ids one symbol has delivered, kept exactly (`TradeIDRuns`, the package's one id
/// set), so a reordered trade is never mistaken for a repeat (issue 11: a shuffled capture
/// reported thousands of "duplicates" when only the 64 latest gaps were remembered).
///
/// - Every id above `settledThrough` (the span the open windows can still take) is known exactly.
///   An in-order stream is one run that grows at its top: one comparison per trade, no allocation.
/// - Closing a window *settles* its ids: the ids up to its highest that were never delivered are
///   its missing trades (`settle`). Settled runs are kept too, so a late repeat of an old trade is
///   still a duplicate, but only the `keptSettledRuns` newest: below the oldest kept one
///   (`knownFrom`) nothing can be told, and such an id is answered `.unknown` (dropped as late —
///   never called a duplicate, since it may be unique).
/// Ids are non-negative (`Trade.hasPlausibleIDs`); no arithmetic here can overflow.
struct SeenTradeIDs {
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

    private var delivered = TradeIDRuns()
    /// Ids below this are forgotten.
    private(set) var knownFrom: Int64 = .min
    /// Ids at or below this have been charged to a closed window.
    private(set) var settledThrough: Int64 = .min
    /// Lowest id ever delivered: ids below it are older than this symbol's input, never missing.
    private(set) var lowestSeen: Int64 = .max

    /// All runs, in order (tests).
    var runs: [ClosedRange<Int64>] { delivered.runs }

    /// Records `first…last` (first ≤ last) unless any of them was seen.
    @inline(__always)
    mutating func insert(_ first: Int64, _ last: Int64) -> Insertion {
        if delivered.insertAboveAll(first, last) { return .new }
        return insertSlow(first, last)
    }

    @inline(never)
    private mutating func insertSlow(_ first: Int64, _ last: Int64) -> Insertion {
        if first < knownFrom { return .unknown }
        guard delivered.insertBelowTop(first, last) else { return .duplicate }
        if first < lowestSeen { lowestSeen = first }
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
        unseen -= delivered.heldCount(from: from, through: highest)
        settledThrough = highest
        if delivered.runsBelowTop > 2 * SeenTradeIDs.keptSettledRuns,
           let known = delivered.forgetOldest(endingAtOrBelow: settledThrough, keeping: SeenTradeIDs.keptSettledRuns) {
            knownFrom = known
        }
        return max(0, unseen)
    }
}
