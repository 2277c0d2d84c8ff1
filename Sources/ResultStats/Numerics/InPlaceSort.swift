import BNCCore

/// Sorting and selection of doubles in place — no second array, so the one column an analysis
/// keeps (scores, future moves) is the only memory it needs. Introsort (median-of-three
/// quicksort, insertion sort below 24 values, heapsort past 2·log₂ n levels) and quickselect
/// with the same fallback: O(n log n) and O(n) worst cases. Input must be NaN-free; −0 and +0
/// compare equal, as everywhere else in the statistics.
package enum InPlaceSort {
    package static func sort(_ a: UnsafeMutableBufferPointer<Double>) {
        guard a.count > 1 else { return }
        introsort(a, 0, a.count, depth: 2 * (Int.bitWidth - a.count.leadingZeroBitCount))
    }

    package static func sort(_ a: inout [Double]) { a.withUnsafeMutableBufferPointer { sort($0) } }

    /// Rearranges `a` so that `a[k]` is the value a full sort would put there, everything before
    /// it ≤ and everything after it ≥.
    package static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) {
        precondition(k >= 0 && k < a.count)
        var lo = 0, hi = a.count
        var depth = 2 * (Int.bitWidth - a.count.leadingZeroBitCount)
        while hi - lo > 24 {
            if depth == 0 { heapsort(a, lo, hi); return }
            depth -= 1
            let (lt, gt) = partition(a, lo, hi)
            if k < lt { hi = lt } else if k >= gt { lo = gt } else { return }
        }
        insertionSort(a, lo, hi)
    }

    private static func introsort(_ a: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int, depth: Int) {
        var lo = lo, hi = hi, depth = depth
        while hi - lo > 24 {
            if depth == 0 { heapsort(a, lo, hi); return }
            depth -= 1
            let (lt, gt) = partition(a, lo, hi)
            // Recurse into the smaller side, loop on the larger: stack depth O(log n).
            if lt - lo < hi - gt { introsort(a, lo, lt, depth: depth); lo = gt } else { introsort(a, gt, hi, depth: depth); hi = lt }
        }
        insertionSort(a, lo, hi)
    }

    /// Three-way partition around a median-of-three pivot: returns (lt, gt) with a[lo..<lt] <
    /// pivot, a[lt..<gt] == pivot, a[gt..<hi] > pivot (runs of ties cost nothing).
    /// The pivot is the median of three values at positions drawn from a fixed-seed generator:
    /// no input order (sorted, partitioned by an earlier selection, organ-pipe) makes the
    /// partitions degenerate, and runs stay reproducible.
    @inline(__always)
    private static func partition(_ a: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int) -> (Int, Int) {
        var g = SplitMix64(seed: UInt64(truncatingIfNeeded: lo &* 31 &+ hi))
        let span = UInt64(hi - lo)
        let x = a[lo + Int(g.next() % span)], y = a[lo + Int(g.next() % span)], z = a[lo + Int(g.next() % span)]
        let pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y))
        var lt = lo, i = lo, gt = hi
        while i < gt {
            let v = a[i]
            if v < pivot { a.swapAt(lt, i); lt += 1; i += 1 } else if v > pivot { gt -= 1; a.swapAt(i, gt) } else { i += 1 }
        }
        return (lt, gt)
    }

    private static func insertionSort(_ a: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int) {
        guard hi - lo > 1 else { return }
        for i in (lo + 1)..<hi {
            let v = a[i]
            var j = i
            while j > lo && a[j - 1] > v { a[j] = a[j - 1]; j -= 1 }
            a[j] = v
        }
    }

    private static func heapsort(_ a: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int) {
        let n = hi - lo
        func sift(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[lo + child] < a[lo + child + 1] { child += 1 }
                guard a[lo + root] < a[lo + child] else { return }
                a.swapAt(lo + root, lo + child)
                root = child
            }
        }
        var start = n / 2
        while start > 0 { start -= 1; sift(start, n) }
        var end = n
        while end > 1 { end -= 1; a.swapAt(lo, lo + end); sift(0, end) }
    }
}
