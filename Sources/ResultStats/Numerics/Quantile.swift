/// Quantiles the way NumPy's `percentile(method="linear")` computes them, which is what pandas'
/// `quantile()` and `describe()` call: virtual index `(n − 1)·q` (spelled as NumPy spells it),
/// then NumPy's two-sided `_lerp` between the neighbours.
package enum Quantile {
    /// `sorted` must be ascending and free of NaN; NaN for an empty array.
    package static func linear(sorted: [Double], _ q: Double) -> Double {
        linear(count: sorted.count, q) { sorted[$0] }
    }

    /// The same without a sorted copy: `values` is reordered in place (`InPlaceSort.select`) so
    /// that the two neighbours the quantile needs are found in linear time.
    package static func linear(selectingIn values: UnsafeMutableBufferPointer<Double>, _ q: Double) -> Double {
        var selected = -1
        return linear(count: values.count, q) { k in
            // The upper neighbour of the value just selected is the least one after it.
            if k == selected + 1, selected >= 0 { return UnsafeMutableBufferPointer(rebasing: values[k...]).min()! }
            InPlaceSort.select(values, k)
            selected = k
            return values[k]
        }
    }

    /// The quantile of `n` ascending values, `value(k)` giving the k-th (0-based).
    static func linear(count n: Int, _ q: Double, _ value: (Int) -> Double) -> Double {
        guard n > 0 else { return .nan }
        // numpy: virtual = n*q + (alpha + q*(1 - alpha - beta)) - 1 with alpha = beta = 1.
        let virtual = (Double(n) * q + (1 + q * (1 - 1 - 1))) - 1
        let previous = virtual.rounded(.down)
        var lo = Int(previous)
        var hi = lo + 1
        lo = min(max(lo, 0), n - 1)
        hi = min(max(hi, 0), n - 1)
        var gamma = virtual - previous
        if virtual <= 0 { gamma = 0 }           // numpy clips the index and its fraction below 0
        if virtual >= Double(n - 1) { return value(n - 1) }
        let a = value(lo), b = hi == lo ? a : value(hi)
        let diff = b - a
        if gamma >= 0.5 { return b - diff * (1 - gamma) }
        return a + diff * gamma
    }
}

/// pandas' `Series.describe()` for a float column: count, mean, std (ddof 1), min, 25 %, 50 %,
/// 75 %, max. NaN where pandas gives NaN (std of one value, everything of no values).
package struct DescribeStatistics: Sendable, Equatable {
    package var count: Int
    package var mean: Double
    package var std: Double
    package var min: Double
    package var p25: Double
    package var p50: Double
    package var p75: Double
    package var max: Double

    package init(_ values: [Double]) {
        var copy = values
        self = copy.withUnsafeMutableBufferPointer { DescribeStatistics(reordering: $0) }
    }

    /// The same, reordering `values` in place instead of sorting a copy: the mean and std are
    /// taken first (their pairwise sums follow the row order), then the quartiles by selection.
    package init(reordering values: UnsafeMutableBufferPointer<Double>) {
        count = values.count
        let view = UnsafeBufferPointer(values)
        mean = count > 0 ? NumPySum.sum(view) / Double(count) : .nan
        std = NumPySum.standardDeviation(view, ddof: 1)
        min = values.min() ?? .nan
        max = values.max() ?? .nan
        p25 = Quantile.linear(selectingIn: values, 0.25)
        p50 = Quantile.linear(selectingIn: values, 0.5)
        p75 = Quantile.linear(selectingIn: values, 0.75)
    }
}
