/// `summary` fed one row at a time, in time order. What it keeps: counts, the feature sums of
/// normal and anomalous rows (`CompensatedSum`), the window-length counts (`WindowLength`), and
/// the scores themselves — 8 bytes per scored row, the one column an exact describe() needs
/// (quartiles by selection in place, NumPy's pairwise mean and std over the row order).
///
/// Other per-row statistics plug in beside it: an accumulator with `add(_:)` per row and a
/// result at the end, fed in the same pass (`HTMLReport` feeds several in one pass).
package struct SummaryAccumulator {
    package private(set) var windows = 0
    package private(set) var anomalies = 0
    package private(set) var first: Int64?
    package private(set) var last: Int64?
    /// The first and last scored rows' timestamps (the score-over-time chart's axis).
    package private(set) var firstScored: Int64?
    package private(set) var lastScored: Int64?
    private let scores = DoubleColumn()
    private var normal = [CompensatedSum](repeating: CompensatedSum(), count: 6)
    private var anomalous = [CompensatedSum](repeating: CompensatedSum(), count: 6)
    private var window = WindowLength()
    /// Anomalies by `ResultRow.reason` (index 0: none); the reason table is bounded, so is this.
    private var anomaliesByReason: [Int] = []

    package init() {}

    @inline(__always)
    package mutating func add(_ r: ResultRow) {
        windows += 1
        if first == nil { first = r.timestamp }
        last = r.timestamp
        window.add(r)
        guard r.isScored else { return }
        if firstScored == nil { firstScored = r.timestamp }
        lastScored = r.timestamp
        scores.append(r.score)
        if r.isAnomaly {
            anomalies += 1
            let k = Int(r.reason)
            if k >= anomaliesByReason.count { anomaliesByReason += [Int](repeating: 0, count: k + 1 - anomaliesByReason.count) }
            anomaliesByReason[k] += 1
            Self.add(r, &anomalous)
        } else {
            Self.add(r, &normal)
        }
    }

    /// In `SummaryAnalysis.featureNames` order.
    @inline(__always)
    private static func add(_ r: ResultRow, _ sums: inout [CompensatedSum]) {
        sums[0].add(r.tradeCount); sums[1].add(r.volume); sums[2].add(r.avgTradeSize)
        sums[3].add(r.ret); sums[4].add(abs(r.ret)); sums[5].add(r.volatility)
    }

    /// The figures; the score column is reordered (and then released) on the way. `reasons` is
    /// the source's reason table (`ResultRowSource.reasons`).
    package mutating func finish(timeBasis: TimeBasis, bins: Int, reasons: [String]) -> SummaryAnalysis {
        var values = scores.finish()
        let histogram = Histogram(values, bins: bins)
        let describe = values.withUnsafeMutableBufferPointer { DescribeStatistics(reordering: $0) }
        let scored = values.count
        values = []
        let features = SummaryAnalysis.featureNames.indices.map { k in
            SummaryAnalysis.FeatureComparison(feature: SummaryAnalysis.featureNames[k], normalMean: normal[k].mean, anomalousMean: anomalous[k].mean)
        }
        var leading = LeadingFeatureCounts()
        for k in anomaliesByReason.indices where anomaliesByReason[k] > 0 {
            leading.add(anomalies: anomaliesByReason[k], reason: k == 0 || k >= reasons.count ? nil : reasons[k])
        }
        return SummaryAnalysis(windows: windows, scored: scored, anomalies: anomalies, first: first, last: last, timeBasis: timeBasis,
                               windowMilliseconds: window.milliseconds, score: describe, features: features, histogram: histogram,
                               leadingFeatures: leading)
    }
}

/// The window length in ms, inferred as `ResultSeries.inferredWindowMilliseconds` does: the
/// median of `window_end − timestamp` when rows carry `window_end`, else the median spacing of
/// consecutive timestamps; nil when neither can be told. Exact, from counts of distinct values.
package struct WindowLength: Sendable {
    private var spans = ValueCounts()
    private var gaps = ValueCounts()
    private var previous: Int64?
    package init() {}

    @inline(__always)
    package mutating func add(_ r: ResultRow) {
        if r.windowEnd != Int64.min {
            spans.add(r.windowEnd &- r.timestamp)
        } else if spans.total == 0, let previous {
            gaps.add(r.timestamp &- previous)
        }
        previous = r.timestamp
    }

    package var milliseconds: Double? {
        if spans.total > 0 { return spans.quantile(0.5) }
        guard gaps.total > 0 else { return nil }
        return gaps.quantile(0.5)
    }
}
