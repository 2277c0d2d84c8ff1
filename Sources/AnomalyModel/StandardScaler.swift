/// scikit-learn's `StandardScaler` (DESIGN.md §4): per feature the mean and the population standard
/// deviation (ddof 0); a feature whose variance is indistinguishable from zero — scikit-learn's
/// `_is_constant_feature` bound `var ≤ n·ε·var + (n·mean·ε)²` — gets scale 1, so it maps to 0
/// instead of blowing up.
package struct StandardScaler: Sendable, Equatable {
    package var mean: [Double]
    package var scale: [Double]

    package init(mean: [Double], scale: [Double]) {
        precondition(mean.count == scale.count)
        self.mean = mean
        self.scale = scale
    }

    package var featureCount: Int { mean.count }

    /// Fits on `rowCount` rows of `featureCount` values each, stored row-major in `rows`.
    package init(fitting rows: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int) {
        precondition(rowCount > 0 && rows.count >= rowCount * featureCount)
        var mean = [Double](repeating: 0, count: featureCount)
        var scale = [Double](repeating: 1, count: featureCount)
        let n = Double(rowCount)
        let eps = Double.ulpOfOne
        // Each feature's sums are added in row order, as one feature at a time would add them
        // (the same bits), but all features in one pass over the rows: the rows are read twice
        // in all, in memory order, instead of twice per feature at a stride.
        var sum = [Double](repeating: 0, count: featureCount)
        var squares = [Double](repeating: 0, count: featureCount)
        var correction = [Double](repeating: 0, count: featureCount)
        let x = rows.baseAddress!
        sum.withUnsafeMutableBufferPointer { sum in
            for r in 0..<rowCount {
                let row = x + r * featureCount
                for f in 0..<featureCount { sum[f] += row[f] }
            }
        }
        for f in 0..<featureCount { mean[f] = sum[f] / n }
        // Two-pass variance with the compensation term (Chan, Golub & LeVeque), as numpy's
        // `_incremental_mean_and_var` does for a single batch.
        mean.withUnsafeBufferPointer { m in
            squares.withUnsafeMutableBufferPointer { squares in
                correction.withUnsafeMutableBufferPointer { correction in
                    for r in 0..<rowCount {
                        let row = x + r * featureCount
                        for f in 0..<featureCount {
                            let d = row[f] - m[f]
                            squares[f] += d * d
                            correction[f] += d
                        }
                    }
                }
            }
        }
        for f in 0..<featureCount {
            let m = mean[f]
            let variance = max(0, (squares[f] - correction[f] * correction[f] / n) / n)
            let bound = n * eps * variance + (n * m * eps) * (n * m * eps)
            scale[f] = variance <= bound ? 1 : variance.squareRoot()
        }
        self.mean = mean
        self.scale = scale
    }

    /// Scales `input` into `output` (both `featureCount` long); allocation-free.
    @inline(__always)
    package func transform(_ input: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        mean.withUnsafeBufferPointer { m in
            scale.withUnsafeBufferPointer { s in
                for f in 0..<m.count { output[f] = (input[f] - m[f]) / s[f] }
            }
        }
    }
}
