/// Exact counts of distinct integer values — window lengths, spacings of timestamps — for their
/// median without keeping one entry per row: memory grows with the number of *distinct* values
/// (one or a handful for real results, whose windows all have the configured length).
package struct ValueCounts: Sendable {
    private var counts: [Int64: Int] = [:]
    /// The run of equal values being counted, not yet in `counts`: real windows all have one
    /// length, so a row costs a comparison instead of a hash lookup.
    private var runValue: Int64 = 0, runLength = 0
    package private(set) var total = 0
    package init() {}

    @inline(__always) package mutating func add(_ v: Int64) {
        if v != runValue || runLength == 0 {
            if runLength > 0 { counts[runValue, default: 0] += runLength }
            runValue = v
            runLength = 0
        }
        runLength += 1
        total += 1
    }

    /// NumPy's linear-interpolation quantile of the values (as `Quantile.linear` over them
    /// sorted, as doubles); NaN when there are none.
    package func quantile(_ q: Double) -> Double {
        var counts = self.counts
        if runLength > 0 { counts[runValue, default: 0] += runLength }
        let keys = counts.keys.sorted()
        var cumulative: [Int] = []
        cumulative.reserveCapacity(keys.count)
        var running = 0
        for k in keys { running += counts[k]!; cumulative.append(running) }
        return Quantile.linear(count: total, q) { index in
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {   // the first key whose cumulative count passes index
                let mid = (lo + hi) / 2
                if cumulative[mid] > index { hi = mid } else { lo = mid + 1 }
            }
            return Double(keys[lo])
        }
    }
}
