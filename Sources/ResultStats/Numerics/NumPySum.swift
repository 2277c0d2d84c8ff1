/// NumPy's pairwise summation (`np.sum` / `np.add.reduce` on a contiguous float64 array), step
/// for step: blocks of up to 128 values summed in eight interleaved accumulators, larger arrays
/// split in halves rounded to a multiple of 8. pandas' `mean`/`std` sum this way, so using the
/// same order gives the same bits, not just the same value within rounding.
package enum NumPySum {
    package static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        pairwise(values.baseAddress, values.count)
    }

    package static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { sum($0) }
    }

    private static func pairwise(_ a: UnsafePointer<Double>?, _ n: Int) -> Double {
        guard let a, n > 0 else { return 0 }
        if n < 8 {
            var res = 0.0
            for i in 0..<n { res += a[i] }
            return res
        }
        if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            let limit = n - n % 8
            while i < limit {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { res += a[i]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwise(a, n2) + pairwise(a + n2, n - n2)
    }

    /// pandas' `Series.mean()`: the pairwise sum over the count; NaN for no values.
    package static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : sum(values) / Double(values.count)
    }

    /// pandas' `Series.std(ddof:)` (`nanops.nanvar`, two passes): mean by pairwise sum, then the
    /// pairwise sum of squared deviations over `n − ddof`; NaN when `n − ddof ≤ 0`.
    package static func standardDeviation(_ values: [Double], ddof: Int = 1) -> Double {
        let n = values.count
        guard n - ddof > 0 else { return .nan }
        return values.withUnsafeBufferPointer { standardDeviation($0, ddof: ddof) }
    }

    /// The same over a buffer, without the array of squares NumPy materialises: the squared
    /// deviations are summed in the same pairwise order, so the bits are the same and the only
    /// memory is the values themselves.
    package static func standardDeviation(_ values: UnsafeBufferPointer<Double>, ddof: Int = 1) -> Double {
        let n = values.count
        guard n - ddof > 0 else { return .nan }
        let avg = sum(values) / Double(n)
        return (squaredDeviations(values.baseAddress, n, avg) / Double(n - ddof)).squareRoot()
    }

    /// `pairwise` over `(avg − a[i])²`.
    private static func squaredDeviations(_ a: UnsafePointer<Double>?, _ n: Int, _ avg: Double) -> Double {
        guard let a, n > 0 else { return 0 }
        @inline(__always) func f(_ i: Int) -> Double { let d = avg - a[i]; return d * d }
        if n < 8 {
            var res = 0.0
            for i in 0..<n { res += f(i) }
            return res
        }
        if n <= 128 {
            var r0 = f(0), r1 = f(1), r2 = f(2), r3 = f(3), r4 = f(4), r5 = f(5), r6 = f(6), r7 = f(7)
            var i = 8
            let limit = n - n % 8
            while i < limit {
                r0 += f(i); r1 += f(i + 1); r2 += f(i + 2); r3 += f(i + 3)
                r4 += f(i + 4); r5 += f(i + 5); r6 += f(i + 6); r7 += f(i + 7)
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { res += f(i); i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return squaredDeviations(a, n2, avg) + squaredDeviations(a + n2, n - n2, avg)
    }
}
