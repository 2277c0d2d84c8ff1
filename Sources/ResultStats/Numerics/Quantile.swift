/// Quantiles the way NumPy's `percentile(method="linear")` computes them, which is what pandas'
/// `quantile()` and `describe()` call: virtual index `(n − 1)·q` (spelled as NumPy spells it),
/// then NumPy's two-sided `_lerp` between the neighbours.
package enum Quantile {
    /// `sorted` must be ascending and free of NaN; NaN for an empty array.
    package static func linear(sorted: [Double], _ q: Double) -> Double {
        let n = sorted.count
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
        if virtual >= Double(n - 1) { return sorted[n - 1] }
        let a = sorted[lo], b = sorted[hi]
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
        count = values.count
        mean = NumPySum.mean(values)
        std = NumPySum.standardDeviation(values, ddof: 1)
        let sorted = RadixSort.sorted(values)
        min = sorted.first ?? .nan
        max = sorted.last ?? .nan
        p25 = Quantile.linear(sorted: sorted, 0.25)
        p50 = Quantile.linear(sorted: sorted, 0.5)
        p75 = Quantile.linear(sorted: sorted, 0.75)
    }
}
