/// A set of trade ids kept as sorted, disjoint runs of consecutive ids (`lo...hi`).
///
/// The ids of one symbol-day are consecutive almost everywhere (Binance numbers trades of a
/// symbol one by one), so a whole day is a handful of runs however many trades it holds: this is
/// what lets `DailyTradeFiles` remember every id a daily file holds without a `Set` of millions.
/// Inserting the next id in order only widens the last run (no allocation); a late, lower id is
/// placed by binary search and merged with its neighbours.
package struct TradeIDRuns: Sendable, Equatable {
    /// Sorted, disjoint and non-adjacent: `runs[k].hi + 1 < runs[k + 1].lo`.
    package private(set) var runs: [ClosedRange<Int64>] = []

    package init() {}

    /// How many ids are held.
    package var count: Int64 { runs.reduce(0) { $0 + ($1.upperBound - $1.lowerBound + 1) } }

    package func contains(_ id: Int64) -> Bool {
        if let last = runs.last, id > last.upperBound { return false }
        let k = firstRun(notBelow: id)
        return k < runs.count && runs[k].lowerBound <= id
    }

    /// Adds `id`; returns false when it was already held.
    @discardableResult
    package mutating func insert(_ id: Int64) -> Bool {
        // The common case: the next id of the day, or a new run after the last.
        if let last = runs.last, id > last.upperBound {
            if id == last.upperBound + 1 {
                runs[runs.count - 1] = last.lowerBound...id
            } else {
                runs.append(id...id)
            }
            return true
        }
        if runs.isEmpty {
            runs.append(id...id)
            return true
        }
        let k = firstRun(notBelow: id)  // the first run whose upper bound is ≥ id
        if runs[k].lowerBound <= id { return false }
        let joinsNext = id + 1 == runs[k].lowerBound
        let joinsPrevious = k > 0 && runs[k - 1].upperBound + 1 == id
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            runs[k - 1] = runs[k - 1].lowerBound...runs[k].upperBound
            runs.remove(at: k)
        case (true, false):
            runs[k - 1] = runs[k - 1].lowerBound...id
        case (false, true):
            runs[k] = id...runs[k].upperBound
        case (false, false):
            runs.insert(id...id, at: k)
        }
        return true
    }

    /// Index of the first run with `upperBound >= id` (`runs.count` when none).
    private func firstRun(notBelow id: Int64) -> Int {
        var lo = 0, hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].upperBound < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
