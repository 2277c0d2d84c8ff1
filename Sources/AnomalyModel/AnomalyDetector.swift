import BNCCore

/// The hyper-parameters of a training (DESIGN.md §4 defaults: 100 trees, ψ auto, contamination 0.05).
package struct ModelParameters: Sendable, Equatable {
    /// `auto` = min(256, n) rows per tree, or a fixed count (capped at n, as scikit-learn does).
    package enum MaxSamples: Sendable, Equatable, CustomStringConvertible {
        case auto
        case count(Int)

        package init?(_ text: String) {
            if text == "auto" { self = .auto; return }
            guard let n = Int(text), n >= 1 else { return nil }
            self = .count(n)
        }

        package func resolved(rowCount: Int) -> Int {
            switch self {
            case .auto: return min(256, rowCount)
            case .count(let n): return min(n, rowCount)
            }
        }

        package var description: String {
            switch self {
            case .auto: return "auto"
            case .count(let n): return String(n)
            }
        }
    }

    package var treeCount: Int
    package var maxSamples: MaxSamples
    package var contamination: Contamination

    package init(treeCount: Int = 100, maxSamples: MaxSamples = .auto, contamination: Contamination = .fraction(0.05)) {
        self.treeCount = treeCount
        self.maxSamples = maxSamples
        self.contamination = contamination
    }
}

/// One row's verdict.
package struct AnomalyScore: Sendable, Equatable {
    /// scikit-learn's `score_samples`: −s(x), in [−1, 0).
    package var scoreSample: Double
    /// scikit-learn's `decision_function` = scoreSample − offset; negative = anomalous.
    package var decision: Double
    /// The paper's s(x) = 2^(−E[h(x)]/c(ψ)) in (0, 1]; higher = more anomalous.
    package var anomalyScore: Double { -scoreSample }
    /// scikit-learn's `predict(x) == -1`: strictly `decision < 0`.
    package var isAnomaly: Bool { decision < 0 }

    package init(scoreSample: Double, decision: Double) {
        self.scoreSample = scoreSample
        self.decision = decision
    }
}

/// StandardScaler → IsolationForest → offset: the whole model of DESIGN.md §4, for one symbol.
package struct AnomalyDetector: Sendable, Equatable {
    package var featureNames: [String]
    package var scaler: StandardScaler
    package var forest: IsolationForest
    /// Subtracted from `score_samples` to give `decision_function`.
    package var offset: Double
    package var contamination: Contamination

    package init(featureNames: [String], scaler: StandardScaler, forest: IsolationForest, offset: Double,
                contamination: Contamination) {
        self.featureNames = featureNames
        self.scaler = scaler
        self.forest = forest
        self.offset = offset
        self.contamination = contamination
    }

    package var featureCount: Int { featureNames.count }

    /// Trains on `rowCount` raw (unscaled) rows stored row-major in `rows`.
    /// The generator is seeded from `seed` alone, so the same rows and seed give the same model.
    package static func train(rows: UnsafeBufferPointer<Double>, rowCount: Int, featureNames: [String],
                             parameters: ModelParameters, seed: UInt64) throws(ModelError) -> AnomalyDetector {
        var unused: [Double]? = nil
        return try train(rows: rows, rowCount: rowCount, featureNames: featureNames, parameters: parameters,
                         seed: seed, trainingScores: &unused)
    }

    /// As `train`, also handing back the training rows' `score_samples` (in row order) when the
    /// offset needed them (contamination ≠ auto), so a batch run need not score those rows again.
    package static func train(rows: UnsafeBufferPointer<Double>, rowCount: Int, featureNames: [String],
                             parameters: ModelParameters, seed: UInt64,
                             trainingScores: inout [Double]?) throws(ModelError) -> AnomalyDetector {
        let featureCount = featureNames.count
        guard featureCount > 0 else { throw .invalidTrainingSet("no features") }
        guard rowCount > 0, rows.count >= rowCount * featureCount else { throw .invalidTrainingSet("no rows") }
        guard parameters.treeCount > 0 else { throw .invalidTrainingSet("no trees") }
        for v in rows[0..<(rowCount * featureCount)] where !v.isFinite {
            throw .invalidTrainingSet("a feature value is not finite")
        }
        let scaler = StandardScaler(fitting: rows, rowCount: rowCount, featureCount: featureCount)
        var scaled = [Double](repeating: 0, count: rowCount * featureCount)
        scaled.withUnsafeMutableBufferPointer { out in
            for r in 0..<rowCount {
                let input = UnsafeBufferPointer(rebasing: rows[(r * featureCount)..<((r + 1) * featureCount)])
                let output = UnsafeMutableBufferPointer(rebasing: out[(r * featureCount)..<((r + 1) * featureCount)])
                scaler.transform(input, into: output)
            }
        }
        var generator = Xoshiro256StarStar(seed: seed)
        // Recording where the training rows land saves ψ of the n walks per tree for the offset;
        // it costs 4 bytes per row and tree, so only for buffers of moderate size.
        var leaves: IsolationForest.TrainingLeaves? = nil
        let record: Bool
        if case .auto = parameters.contamination { record = false } else { record = rowCount <= 65_536 }
        let forest = scaled.withUnsafeBufferPointer { s in
            IsolationForest.fit(rows: s, rowCount: rowCount, featureCount: featureCount,
                                treeCount: parameters.treeCount,
                                maxSamples: parameters.maxSamples.resolved(rowCount: rowCount),
                                generator: &generator, recordLeaves: record, leaves: &leaves)
        }
        let offset: Double
        switch parameters.contamination {
        case .auto:
            offset = -0.5
        case .fraction(let fraction):
            var scores = [Double](repeating: 0, count: rowCount)
            scaled.withUnsafeBufferPointer { s in
                scores.withUnsafeMutableBufferPointer { sums in
                    if let leaves {
                        forest.trainingPathLengthSums(s, leaves: leaves, into: sums)
                    } else {
                        forest.pathLengthSums(s, rowCount: rowCount, into: sums)
                    }
                    for r in 0..<rowCount { sums[r] = forest.scoreSample(pathLengthSum: sums[r]) }
                }
            }
            offset = Percentile.linear(scores, 100.0 * fraction)
            trainingScores = scores
        }
        return AnomalyDetector(featureNames: featureNames, scaler: scaler, forest: forest, offset: offset,
                               contamination: parameters.contamination)
    }

    /// Scores one raw row of `featureCount` values. Allocation-free: the scaled copy lives on the stack.
    @inline(__always)
    package func score(_ raw: UnsafeBufferPointer<Double>) -> AnomalyScore {
        let sample = withUnsafeTemporaryAllocation(of: Double.self, capacity: scaler.featureCount) { scaled in
            scaler.transform(raw, into: scaled)
            return forest.scoreSample(UnsafeBufferPointer(scaled))
        }
        return AnomalyScore(scoreSample: sample, decision: sample - offset)
    }

    /// Scores one raw row as `score` does (bit for bit) and fills `attribution` with each feature's
    /// share in isolating it (docs/model.md, *Attribution*). Allocation-free once `attribution`
    /// has `featureCount` entries.
    @inline(__always)
    package func explain(_ raw: UnsafeBufferPointer<Double>, into attribution: inout Attribution) -> AnomalyScore {
        precondition(attribution.featureCount == featureCount)
        let sum = withUnsafeTemporaryAllocation(of: Double.self, capacity: scaler.featureCount) { scaled in
            scaler.transform(raw, into: scaled)
            return attribution.bits.withUnsafeMutableBufferPointer { bits in
                attribution.lean.withUnsafeMutableBufferPointer { lean in
                    forest.explain(UnsafeBufferPointer(scaled), bits: bits, lean: lean)
                }
            }
        }
        let sample = forest.scoreSample(pathLengthSum: sum)
        return AnomalyScore(scoreSample: sample, decision: sample - offset)
    }

    /// `score_samples` for many raw rows (row-major): scaled and walked tree by tree in blocks,
    /// bit-identical to scoring each row with `score`.
    package func scoreSamples(_ rows: UnsafeBufferPointer<Double>, rowCount: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rowCount)
        out.withUnsafeMutableBufferPointer { out in scoreSamples(rows, rowCount: rowCount, into: out) }
        return out
    }

    /// As `scoreSamples(_:rowCount:)`, into a caller's buffer (batch mode reuses one).
    package func scoreSamples(_ rows: UnsafeBufferPointer<Double>, rowCount: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let f = featureCount, block = 1024
        var scaled = [Double](repeating: 0, count: block * f)
        scaled.withUnsafeMutableBufferPointer { scaled in
            var start = 0
            while start < rowCount {
                let n = min(block, rowCount - start)
                for r in 0..<n {
                    let i = start + r
                    scaler.transform(UnsafeBufferPointer(rebasing: rows[(i * f)..<((i + 1) * f)]),
                                     into: UnsafeMutableBufferPointer(rebasing: scaled[(r * f)..<((r + 1) * f)]))
                }
                let sums = UnsafeMutableBufferPointer(rebasing: out[start..<(start + n)])
                forest.pathLengthSums(UnsafeBufferPointer(scaled), rowCount: n, into: sums)
                for r in 0..<n { sums[r] = forest.scoreSample(pathLengthSum: sums[r]) }
                start += n
            }
        }
    }
}
