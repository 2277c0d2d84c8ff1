import BNCCore

/// The bnc profile's extra model feature: how far a count has fallen below a quarter of its usual
/// level, on a log scale — `q(x) = max(0, ln(κ·m / (x + ε·m)))` with m the training windows'
/// median of the source key (`trade_count`), κ = 0.25 and ε = 0.001.
///
/// Why: the Isolation Forest draws split thresholds uniformly over a feature's range, and the
/// range of a count is dominated by its heavy upper tail (bursts), so an empty window (0 trades)
/// sits only a little below the calm windows and is rarely cut off — the original model finds
/// silences 1–4 times in 13. Taking logs of the count fixes that but compresses the upper tail and
/// loses bursts. Keeping the count as it is and adding q keeps the bursts and gives silences a
/// feature of their own: q is ln 250 ≈ 5.5 for an empty window and 0 for every window with at
/// least a quarter of the usual trades — nearly all of them, calm ones included. A node where q is
/// 0 throughout never splits on it (a constant feature is skipped), so q changes nothing for
/// trees that hold no near-empty window, and bursts are found as by the original model (with
/// κ = 1, q also spreads the calm windows and costs bursts: measured, docs/model.md). q decreases
/// with the count, so its share of an attribution is reported under `trade_count` with the
/// direction reversed (a silence reads `trade_count↓`).
package struct SilenceFeature: Sendable, Equatable {
    /// Index of the source key among the model's input features.
    package var source: Int
    /// m: the training median of the source key (the mean when the median is 0, 1 when both are).
    package var level: Double
    /// κ: below this fraction of the level a count counts as quiet.
    package var fraction: Double
    package var epsilon: Double

    package static let defaultFraction = 0.25
    package static let defaultEpsilon = 0.001

    package init(source: Int, level: Double, fraction: Double = SilenceFeature.defaultFraction,
                epsilon: Double = SilenceFeature.defaultEpsilon) {
        self.source = source
        self.level = level
        self.fraction = fraction
        self.epsilon = epsilon
    }

    /// Fits m on the source column of `rowCount` rows (row-major, `featureCount` values each).
    package init(fitting rows: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int, source: Int) {
        precondition(rowCount > 0 && source < featureCount)
        var column = [Double](repeating: 0, count: rowCount)
        var sum = 0.0
        for r in 0..<rowCount {
            column[r] = rows[r * featureCount + source]
            sum += column[r]
        }
        var level = Percentile.linear(column, 50)
        if !(level > 0) { level = sum / Double(rowCount) }
        if !(level > 0) || !level.isFinite { level = 1 }
        self.init(source: source, level: level)
    }

    /// q(x) for the source value `x` (≥ 0 for the counts it is used on; a negative x is treated as 0).
    @inline(__always)
    package func value(_ x: Double) -> Double {
        let q = log(fraction * level / (max(x, 0) + epsilon * level))
        return q > 0 ? q : 0
    }

    /// Whether the stored parameters can be used (a model file's values are checked with this).
    package var isValid: Bool {
        level > 0 && level.isFinite && fraction > 0 && fraction.isFinite && epsilon > 0 && epsilon.isFinite && source >= 0
    }
}
