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
        for f in 0..<featureCount {
            var sum = 0.0
            for r in 0..<rowCount { sum += rows[r * featureCount + f] }
            let m = sum / n
            // Two-pass variance with the compensation term (Chan, Golub & LeVeque), as numpy's
            // `_incremental_mean_and_var` does for a single batch.
            var squares = 0.0, correction = 0.0
            for r in 0..<rowCount {
                let d = rows[r * featureCount + f] - m
                squares += d * d
                correction += d
            }
            let variance = max(0, (squares - correction * correction / n) / n)
            mean[f] = m
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
