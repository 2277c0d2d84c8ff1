/// numpy's `percentile(values, q)` with its default `linear` method, bit for bit: sort, virtual
/// index `q/100 · (n − 1)`, and numpy's two-sided `_lerp` between the neighbours.
package enum Percentile {
    /// `q` in [0, 100]; `values` non-empty. Works on a copy.
    ///
    /// Only the two neighbours at the virtual index matter, so they are found by selection
    /// (O(n)) rather than by sorting (batch mode takes the percentile of every training row's
    /// score, 200,000 of them and more): the same two values, so the same result bit for bit.
    /// Values with a NaN or a zero are sorted as before (NaN has no order, and −0 and +0 compare
    /// equal, so which of them a selection met first could differ from the sort's).
    package static func linear(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty)
        let n = values.count
        let virtualIndex = (q / 100.0) * Double(n - 1)
        let below = Int(virtualIndex.rounded(.down))
        let lowerIndex = max(0, min(n - 1, below))
        let upperIndex = min(n - 1, lowerIndex + 1)
        let t = virtualIndex - Double(below)
        let a: Double, b: Double
        if n < 64 || values.contains(where: { $0.isNaN || $0 == 0 }) {
            let sorted = values.sorted()
            a = sorted[lowerIndex]
            b = sorted[upperIndex]
        } else {
            var copy = values
            (a, b) = copy.withUnsafeMutableBufferPointer { buffer in
                select(buffer, lowerIndex)
                var next = buffer[lowerIndex]
                if upperIndex > lowerIndex {
                    // Everything after the k-th smallest is at least as large: its successor is their minimum.
                    next = buffer[upperIndex]
                    for i in (upperIndex + 1)..<buffer.count where buffer[i] < next { next = buffer[i] }
                }
                return (buffer[lowerIndex], next)
            }
        }
        let diff = b - a
        // numpy: lerp = a + diff·t, but b − diff·(1 − t) when t ≥ 0.5 (exact at t = 1).
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }

    /// Puts the `k`-th smallest value (0-based) of `a` (no NaN) at `a[k]`, smaller or equal ones
    /// before it and larger or equal ones after it: quickselect with a median-of-three pivot,
    /// finishing by sorting a range that does not shrink fast enough (no quadratic worst case).
    static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) {
        var lo = 0, hi = a.count - 1
        var budget = 2 * (Int.bitWidth - a.count.leadingZeroBitCount) + 8
        while hi > lo {
            if budget == 0 {
                var rest = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
                rest.sort()
                return
            }
            budget -= 1
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // a[lo...j] ≤ pivot ≤ a[i...hi]; anything between equals the pivot.
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }
}
