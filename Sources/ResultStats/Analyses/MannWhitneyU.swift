import BNCCore

/// The two-sided Mann–Whitney U test with SciPy's `mannwhitneyu` defaults (SciPy 1.17,
/// `scipy/stats/_mannwhitneyu.py`): `use_continuity=True`, `method="auto"`, which takes the
/// **exact** null distribution when one sample has at most 8 values (not both more than 8) and
/// there are no ties, and otherwise the **normal approximation** with the tie correction and the
/// ½ continuity correction. The statistic reported is U₁, the one of the first sample `x`.
package struct MannWhitneyU: Sendable, Equatable {
    package enum Method: String, Sendable { case exact, asymptotic }

    /// U of the first sample (SciPy's `statistic`).
    package var statistic: Double
    package var pValue: Double
    package var method: Method

    /// Runs the test of `x` against `y`; nil when either sample is empty (SciPy raises).
    package static func test(_ x: [Double], _ y: [Double]) -> MannWhitneyU? {
        test(x, sortedY: RadixSort.sorted(y))
    }

    /// The same with `y` already sorted ascending (the pre-move study compares several groups
    /// with one large normal sample, sorted once). Ranks come from merging the two sorted samples.
    package static func test(_ x: [Double], sortedY y: [Double]) -> MannWhitneyU? {
        test(sortedX: RadixSort.sorted(x), sortedY: y)
    }

    /// Both samples already sorted ascending.
    package static func test(sortedX xs: [Double], sortedY y: [Double]) -> MannWhitneyU? {
        xs.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { test(sortedX: x, sortedY: $0) } }
    }

    /// The same over buffers (groups sorted in place inside one array by the caller: no copies).
    package static func test(sortedX xs: UnsafeBufferPointer<Double>, sortedY y: UnsafeBufferPointer<Double>) -> MannWhitneyU? {
        let n1 = xs.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        let n = n1 + n2
        // Average ranks of the pooled sample (SciPy's `_rankdata(…, 'average')`), by merging.
        var rankSumX = 0.0
        var tieTerm = 0.0
        var hasTies = false
        var i = 0, j = 0, position = 0
        while i < n1 || j < n2 {
            let v = j >= n2 || (i < n1 && xs[i] < y[j]) ? xs[i] : y[j]
            var cx = 0, cy = 0
            while i < n1 && xs[i] == v { cx += 1; i += 1 }
            while j < n2 && y[j] == v { cy += 1; j += 1 }
            let t = cx + cy
            // ranks position+1 … position+t, averaged
            let rank = Double(2 * position + t + 1) / 2
            rankSumX += rank * Double(cx)
            if t > 1 {
                hasTies = true
                let td = Double(t)
                tieTerm += td * td * td - td
            }
            position += t
        }
        let u1 = rankSumX - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let u = max(u1, u2)
        let method: Method = (n1 > 8 && n2 > 8) || hasTies ? .asymptotic : .exact
        var p: Double
        switch method {
        case .exact:
            p = 2 * exactLowerTail(Int(Double(n1 * n2) - u), n1, n2)
        case .asymptotic:
            let mu = Double(n1 * n2) / 2
            let s = (Double(n1 * n2) / 12 * (Double(n + 1) - tieTerm / Double(n * (n - 1)))).squareRoot()
            let z = (u - mu - 0.5) / s
            p = 2 * normalCDF(-z)
        }
        if p.isNaN { p = .nan } else { p = min(max(p, 0), 1) }
        return MannWhitneyU(statistic: u1, pValue: p, method: method)
    }

    /// P(U ≤ k) under the null for sample sizes n1, n2 (symmetric, so it is also P(U ≥ n1·n2 − k)).
    /// Follows SciPy's `_MWU` (Löffler's recurrence over σ, counts held as integers while they
    /// fit in UInt64, the CDF a running sum of count/total); past 20,000 steps, where that
    /// recurrence is quadratic, the counts come from the Gaussian binomial [n1+n2 choose n1]_q
    /// instead (the same numbers, linear work per factor).
    static func exactLowerTail(_ k: Int, _ a: Int, _ b: Int) -> Double {
        let n1 = min(a, b), n2 = max(a, b)
        guard k >= 0 else { return 0 }
        let total = binomial(n1 + n2, n1)
        var configurations = [Double](repeating: 0, count: k + 1)
        if k <= 20_000 {
            var sigma = [Double](repeating: 0, count: k + 1)
            if k > 0 {
                for d in 1...n1 { var m = d; while m <= k { sigma[m] += Double(d); m += d } }
                if n1 >= 1 {
                    for d in (n2 + 1)...(n2 + n1) { var m = d; while m <= k { sigma[m] -= Double(d); m += d } }
                }
            }
            configurations[0] = 1
            var isInteger = true
            if k > 0 {
                for u in 1...k {
                    var dot = 0.0
                    for j in 0..<u { dot += configurations[j] * sigma[u - j] }
                    var value = dot / Double(u)
                    if isInteger && value > 18_446_744_073_709_551_615.0 { isInteger = false }
                    if isInteger { value = value.rounded(.towardZero) }   // stored into a uint64 array
                    configurations[u] = value
                }
            }
        } else {
            configurations[0] = 1
            for i in 1...n1 {
                let up = n2 + i
                if up <= k { for u in stride(from: k, through: up, by: -1) { configurations[u] -= configurations[u - up] } }
                if i <= k { for u in i...k { configurations[u] += configurations[u - i] } }
            }
        }
        var cdf = 0.0
        for u in 0...k { cdf += configurations[u] / total }
        return cdf
    }

    /// C(n, k) as a double (SciPy's `special.binom` for these integer arguments).
    static func binomial(_ n: Int, _ k: Int) -> Double {
        let k = min(k, n - k)
        guard k >= 0 else { return 0 }
        var result = 1.0
        if k == 0 { return 1 }
        for i in 1...k { result = result * Double(n - k + i) / Double(i) }
        return result.rounded()
    }

    /// The standard normal CDF the way Cephes' `ndtr` (SciPy's `special.ndtr`) evaluates it.
    package static func normalCDF(_ a: Double) -> Double {
        if a.isNaN { return .nan }
        let x = a * 0.70710678118654752440
        let z = abs(x)
        if z < 0.70710678118654752440 { return 0.5 + 0.5 * erf(x) }
        // Cephes' erfc underflows to exactly 0 once x² exceeds MAXLOG (x > 26.64); glibc's would
        // still return a subnormal. Match SciPy: p-values that small are 0.
        let y = z * z > 7.09782712893383996843e2 ? 0 : 0.5 * erfc(z)
        return x > 0 ? 1 - y : y
    }
}
