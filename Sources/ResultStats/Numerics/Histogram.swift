/// `numpy.histogram(values, bins=n)` with equal-width bins: edges from `linspace(min, max, n+1)`
/// (±0.5 when all values are equal), each value placed by NumPy's own index computation and edge
/// corrections, the last bin closed on the right.
package struct Histogram: Sendable, Equatable {
    package var edges: [Double]
    package var counts: [Int]

    package init(_ values: [Double], bins: Int) {
        precondition(bins > 0)
        guard var first = values.min(), var last = values.max() else {
            // NumPy uses the range (0, 1) for an empty array.
            edges = Histogram.linspace(0, 1, bins + 1)
            counts = [Int](repeating: 0, count: bins)
            return
        }
        if first == last { first -= 0.5; last += 0.5 }
        let edges = Histogram.linspace(first, last, bins + 1)
        var counts = [Int](repeating: 0, count: bins)
        let denominator = last - first
        let nb = Double(bins)
        for v in values {
            // NumPy's index, kept in 0..<bins before it becomes an Int: a range wider than the
            // largest double (`max − min` overflows) or a NaN must not trap.
            let position = (v - first) / denominator * nb
            var index = position >= 0 ? (position < nb ? Int(position) : bins - 1) : 0
            if index == bins { index -= 1 }
            if index > 0 && v < edges[index] { index -= 1 }
            if index != bins - 1 && v >= edges[index + 1] { index += 1 }
            counts[index] += 1
        }
        self.edges = edges
        self.counts = counts
    }

    /// `numpy.linspace(start, stop, num)` (endpoint included, last value set to `stop`).
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        let div = Double(num - 1)
        let delta = stop - start
        let step = delta / div
        var y = [Double](repeating: 0, count: num)
        for i in 0..<num {
            y[i] = step == 0 ? (Double(i) / div) * delta + start : Double(i) * step + start
        }
        if num > 1 { y[num - 1] = stop }
        return y
    }
}

/// pandas' `Series.rolling(h).sum()` step for step (`roll_sum` in pandas/_libs/window/
/// aggregations.pyx): Kahan-compensated adds and removes with separate compensation terms, and
/// the "run of equal values" fix-up, so the sums carry the very bits pandas gives; NaN until a
/// window holds `h` values.
package enum RollingSum {
    package static func fixed(_ values: [Double], window h: Int) -> [Double] {
        let n = values.count
        var output = [Double](repeating: .nan, count: n)
        guard h > 0, n > 0 else { return output }
        var sum = 0.0, compensationAdd = 0.0, compensationRemove = 0.0
        var nobs = 0, sameRun = 0
        var previous = values[0]
        @inline(__always) func add(_ v: Double) {
            guard !v.isNaN else { return }
            nobs += 1
            let y = v - compensationAdd
            let t = sum + y
            compensationAdd = t - sum - y
            sum = t
            sameRun = v == previous ? sameRun + 1 : 1
            previous = v
        }
        @inline(__always) func remove(_ v: Double) {
            guard !v.isNaN else { return }
            nobs -= 1
            let y = -v - compensationRemove
            let t = sum + y
            compensationRemove = t - sum - y
            sum = t
        }
        for i in 0..<n {
            let e = i + 1, s = max(0, e - h)
            if i == 0 || s >= i {
                previous = values[s]; sameRun = 0
                sum = 0; compensationAdd = 0; compensationRemove = 0; nobs = 0
                for j in s..<e { add(values[j]) }
            } else {
                let previousStart = max(0, i - h)
                for j in previousStart..<s { remove(values[j]) }
                add(values[i])
            }
            if nobs >= h { output[i] = sameRun >= nobs ? previous * Double(nobs) : sum }
        }
        return output
    }

    /// Σ of `values[i+1 … i+h]` for each i, NaN where fewer than h values follow: pandas'
    /// `rolling(h).sum().shift(-h)`.
    package static func forward(_ values: [Double], window h: Int) -> [Double] {
        let rolled = fixed(values, window: h)
        let n = values.count
        var out = [Double](repeating: .nan, count: n)
        if h < n { for i in 0..<(n - h) { out[i] = rolled[i + h] } }
        return out
    }
}
