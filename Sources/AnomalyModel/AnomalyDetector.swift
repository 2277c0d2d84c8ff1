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
    /// Which model: `original` (the library's default, what the parity tests use) or `bnc`.
    package var profile: ModelProfile

    package init(treeCount: Int = 100, maxSamples: MaxSamples = .auto, contamination: Contamination = .fraction(0.05),
                profile: ModelProfile = .original) {
        self.treeCount = treeCount
        self.maxSamples = maxSamples
        self.contamination = contamination
        self.profile = profile
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

/// StandardScaler → IsolationForest → offset: the whole model of DESIGN.md §4, for one symbol;
/// with the bnc profile, a silence feature is appended to the input features first.
package struct AnomalyDetector: Sendable, Equatable {
    /// The input features (window-row keys), in the order rows hold them.
    package var featureNames: [String]
    package var scaler: StandardScaler
    package var forest: IsolationForest
    /// Subtracted from `score_samples` to give `decision_function`.
    package var offset: Double
    package var contamination: Contamination
    package var profile: ModelProfile
    /// The bnc profile's extra feature, the last model feature; nil for `original`.
    package var silence: SilenceFeature?

    package init(featureNames: [String], scaler: StandardScaler, forest: IsolationForest, offset: Double,
                contamination: Contamination, profile: ModelProfile = .original, silence: SilenceFeature? = nil) {
        self.featureNames = featureNames
        self.scaler = scaler
        self.forest = forest
        self.offset = offset
        self.contamination = contamination
        self.profile = profile
        self.silence = silence
    }

    /// Input features per row (what `score` and `explain` take, and what an attribution covers).
    package var featureCount: Int { featureNames.count }
    /// Features the forest sees: the inputs, plus the silence feature when there is one.
    package var modelFeatureCount: Int { featureNames.count + (silence == nil ? 0 : 1) }

    /// The model's input for one raw row: the row, then q(source) when the profile adds it.
    @inline(__always)
    static func expand(_ raw: UnsafeBufferPointer<Double>, _ silence: SilenceFeature?, into out: UnsafeMutableBufferPointer<Double>) {
        for f in 0..<raw.count { out[f] = raw[f] }
        if let silence { out[raw.count] = silence.value(raw[silence.source]) }
    }

    /// Expands (when the profile adds a feature) and scales one raw row into `scaled`
    /// (`modelFeatureCount` long), using `spare` (as long) for the expansion.
    @inline(__always)
    func prepare(_ raw: UnsafeBufferPointer<Double>, into scaled: UnsafeMutableBufferPointer<Double>,
                 spare: UnsafeMutableBufferPointer<Double>) {
        guard silence != nil else {
            scaler.transform(raw, into: scaled)
            return
        }
        Self.expand(raw, silence, into: spare)
        scaler.transform(UnsafeBufferPointer(spare), into: scaled)
    }

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
        var unused: [Float]? = nil
        return try train(rows: rows, rowCount: rowCount, featureNames: featureNames, parameters: parameters, seed: seed,
                         trainingScores: &trainingScores, explainTraining: false, trainingAttribution: &unused)
    }

    /// As `train(…trainingScores:)`; with `explainTraining` (and contamination ≠ auto) the walk
    /// that scores the training rows for the offset also adds up their attributions, handed back
    /// as `forest.attributionStride` floats per row (`attribution(fromSums:into:)` reads them), so a
    /// batch run needs no second walk for the reason.
    package static func train(rows: UnsafeBufferPointer<Double>, rowCount: Int, featureNames: [String],
                             parameters: ModelParameters, seed: UInt64, trainingScores: inout [Double]?,
                             explainTraining: Bool, trainingAttribution: inout [Float]?) throws(ModelError) -> AnomalyDetector {
        let featureCount = featureNames.count
        guard featureCount > 0 else { throw .invalidTrainingSet("no features") }
        guard rowCount > 0, rows.count >= rowCount * featureCount else { throw .invalidTrainingSet("no rows") }
        guard parameters.treeCount > 0 else { throw .invalidTrainingSet("no trees") }
        for v in rows[0..<(rowCount * featureCount)] where !v.isFinite {
            throw .invalidTrainingSet("a feature value is not finite")
        }
        // The bnc profile: the silence feature is fitted on the inputs and appended to every row.
        let silence = parameters.profile.silenceSource(in: featureNames).map {
            SilenceFeature(fitting: rows, rowCount: rowCount, featureCount: featureCount, source: $0)
        }
        var expanded: [Double] = []
        if let silence {
            let m = featureCount + 1
            // Every value is written below, row by row (on two threads for a large batch), so the
            // storage is not zeroed first: its pages are touched once, by the thread that fills them.
            expanded = [Double](unsafeUninitializedCapacity: rowCount * m) { out, initialized in
                let out = UnsafeMutableBufferPointer(rebasing: out[0..<(rowCount * m)])
                Self.forRowsOnTwoThreads(rowCount, large: explainTraining) { range in
                    for r in range {
                        expand(UnsafeBufferPointer(rebasing: rows[(r * featureCount)..<((r + 1) * featureCount)]), silence,
                               into: UnsafeMutableBufferPointer(rebasing: out[(r * m)..<((r + 1) * m)]))
                    }
                }
                initialized = rowCount * m
            }
        }
        let modelFeatures = featureCount + (silence == nil ? 0 : 1)
        // `original`: the rows as given, exactly as before profiles existed.
        let scaler = silence == nil
            ? StandardScaler(fitting: rows, rowCount: rowCount, featureCount: featureCount)
            : expanded.withUnsafeBufferPointer { StandardScaler(fitting: $0, rowCount: rowCount, featureCount: modelFeatures) }
        // Each row's scaled values depend on that row alone: the same bits on any thread.
        let f = modelFeatures
        @Sendable func scale(_ source: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
            Self.forRowsOnTwoThreads(rowCount, large: explainTraining) { range in
                for r in range {
                    scaler.transform(UnsafeBufferPointer(rebasing: source[(r * f)..<((r + 1) * f)]),
                                     into: UnsafeMutableBufferPointer(rebasing: out[(r * f)..<((r + 1) * f)]))
                }
            }
        }
        let scaled: [Double]
        if silence == nil {
            // The caller's rows stay as they are; written whole, so not zeroed first.
            scaled = [Double](unsafeUninitializedCapacity: rowCount * f) { out, initialized in
                scale(rows, into: UnsafeMutableBufferPointer(rebasing: out[0..<(rowCount * f)]))
                initialized = rowCount * f
            }
        } else {
            // In place: the expanded rows are not read again, and no fresh pages are touched.
            expanded.withUnsafeMutableBufferPointer { rows in scale(UnsafeBufferPointer(rows), into: rows) }
            scaled = expanded
            expanded = []
        }
        var generator = Xoshiro256StarStar(seed: seed)
        // Recording where the training rows land saves ψ of the n walks per tree for the offset;
        // it costs 4 bytes per row and tree, so only for buffers of moderate size.
        var leaves: IsolationForest.TrainingLeaves? = nil
        let record: Bool
        if case .auto = parameters.contamination { record = false } else { record = rowCount <= 65_536 && !explainTraining }
        let forest = scaled.withUnsafeBufferPointer { s in
            IsolationForest.fit(rows: s, rowCount: rowCount, featureCount: modelFeatures,
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
            // The walk zeroes each row's sums before adding to them (on the thread that walks
            // the row), so the storage is not zeroed here first.
            let attributionCount = explainTraining ? rowCount * forest.attributionStride : 0
            var attribution = [Float](unsafeUninitializedCapacity: attributionCount) { _, initialized in
                initialized = attributionCount
            }
            scaled.withUnsafeBufferPointer { s in
                scores.withUnsafeMutableBufferPointer { sums in
                    if explainTraining {
                        attribution.withUnsafeMutableBufferPointer {
                            // Batch mode: the rows are all read, so the walk may use both cores.
                            forest.explainSumsOnTwoThreads(s, rowCount: rowCount, into: sums, attribution: $0)
                        }
                    } else if let leaves {
                        forest.trainingPathLengthSums(s, leaves: leaves, into: sums)
                    } else {
                        forest.pathLengthSums(s, rowCount: rowCount, into: sums)
                    }
                    // (Each row's own value: on two threads for a large batch, as the walk was.)
                    Self.forRowsOnTwoThreads(rowCount, large: explainTraining) { range in
                        for r in range { sums[r] = forest.scoreSample(pathLengthSum: sums[r]) }
                    }
                }
            }
            offset = Percentile.linear(scores, 100.0 * fraction)
            trainingScores = scores
            if explainTraining { trainingAttribution = attribution }
        }
        return AnomalyDetector(featureNames: featureNames, scaler: scaler, forest: forest, offset: offset,
                               contamination: parameters.contamination, profile: parameters.profile, silence: silence)
    }

    /// Runs `body` over `0..<rowCount`: in two halves on two threads when the rows are many and
    /// the caller is batch mode (`large`, whose rows are all read: both cores are free for it),
    /// else at once on this thread. `body` must touch, for a row, only that row's values.
    static func forRowsOnTwoThreads(_ rowCount: Int, large: Bool, _ body: (Range<Int>) -> Void) {
        guard large, rowCount >= 32_768 else {
            body(0..<rowCount)
            return
        }
        let half = rowCount / 2
        withoutActuallyEscaping(body) { body in
            // The closure is used by the second thread only until `join()`, which returns before
            // this function does: it never outlives the call.
            nonisolated(unsafe) let shared = body
            let second = DedicatedThread { shared(half..<rowCount) }
            body(0..<half)
            second.join()
        }
    }

    /// Scores one raw row of `featureCount` values. Allocation-free: the scaled copy lives on the stack.
    @inline(__always)
    package func score(_ raw: UnsafeBufferPointer<Double>) -> AnomalyScore {
        let m = scaler.featureCount
        let sample = withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m) { buffer in
            let scaled = UnsafeMutableBufferPointer(rebasing: buffer[0..<m])
            prepare(raw, into: scaled, spare: UnsafeMutableBufferPointer(rebasing: buffer[m..<(2 * m)]))
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
        let m = scaler.featureCount, f = featureCount
        let sum = withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * m) { buffer in
            let scaled = UnsafeMutableBufferPointer(rebasing: buffer[0..<m])
            prepare(raw, into: scaled, spare: UnsafeMutableBufferPointer(rebasing: buffer[m..<(2 * m)]))
            let bits = UnsafeMutableBufferPointer(rebasing: buffer[(2 * m)..<(3 * m)])
            let rights = UnsafeMutableBufferPointer(rebasing: buffer[(3 * m)..<(4 * m)])
            let sum = forest.explain(UnsafeBufferPointer(scaled), bits: bits, rights: rights)
            fold(bits: UnsafeBufferPointer(bits), rights: UnsafeBufferPointer(rights), into: &attribution)
            return sum
        }
        let sample = forest.scoreSample(pathLengthSum: sum)
        return AnomalyScore(scoreSample: sample, decision: sample - offset)
    }

    /// Model-feature bits and right-branch bits → `attribution` per input key: lean = rights −
    /// lefts = 2·rights − bits; the silence feature's bits go to its source key with the lean
    /// reversed (q falls as the count rises).
    @inline(__always)
    func fold(bits: UnsafeBufferPointer<Double>, rights: UnsafeBufferPointer<Double>, into attribution: inout Attribution) {
        Self.fold(bits: bits, rights: rights, featureCount: featureCount, silence: silence, into: &attribution)
    }

    /// The same from bits stored as `Double` (a walk) or as `Float` (the training walk's sums,
    /// read in place: each converted to `Double` first, exactly, so the values are those of
    /// converting the whole entry and folding the doubles).
    @inline(__always)
    static func fold<Bits: BinaryFloatingPoint>(bits: UnsafeBufferPointer<Bits>, rights: UnsafeBufferPointer<Bits>, featureCount f: Int,
                                                silence: SilenceFeature?, into attribution: inout Attribution) {
        attribution.bits.withUnsafeMutableBufferPointer { outBits in
            attribution.lean.withUnsafeMutableBufferPointer { outLean in
                for k in 0..<f {
                    let b = Double(bits[k])
                    outBits[k] = b
                    outLean[k] = 2 * Double(rights[k]) - b
                }
                if let silence {
                    let b = Double(bits[f])
                    outBits[silence.source] += b
                    outLean[silence.source] -= 2 * Double(rights[f]) - b
                }
            }
        }
    }

    /// The attribution of a row from its `forest.attributionStride` floats of `explainSums` (what
    /// `train(…explainTraining:…)` hands back), folded per input key as `explain` does — the same values.
    package func attribution(fromSums entry: UnsafeBufferPointer<Float>, into attribution: inout Attribution) {
        Self.attribution(fromSums: entry, featureCount: featureCount, silence: silence, into: &attribution)
    }

    /// As above without a detector at hand (batch mode keeps only what this needs per symbol, so
    /// a row does not copy the whole model struct). Called per written row of a batch: the floats
    /// are folded where they are, without a copy as doubles first.
    package static func attribution(fromSums entry: UnsafeBufferPointer<Float>, featureCount f: Int, silence: SilenceFeature?,
                                    into attribution: inout Attribution) {
        let m = f + (silence == nil ? 0 : 1)
        fold(bits: UnsafeBufferPointer(rebasing: entry[0..<m]), rights: UnsafeBufferPointer(rebasing: entry[m..<(2 * m)]),
             featureCount: f, silence: silence, into: &attribution)
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
        let f = featureCount, m = scaler.featureCount, block = 1024
        var scaled = [Double](repeating: 0, count: block * m)
        var spare = [Double](repeating: 0, count: m)
        scaled.withUnsafeMutableBufferPointer { scaled in
        spare.withUnsafeMutableBufferPointer { spare in
            var start = 0
            while start < rowCount {
                let n = min(block, rowCount - start)
                for r in 0..<n {
                    let i = start + r
                    prepare(UnsafeBufferPointer(rebasing: rows[(i * f)..<((i + 1) * f)]),
                            into: UnsafeMutableBufferPointer(rebasing: scaled[(r * m)..<((r + 1) * m)]), spare: spare)
                }
                let sums = UnsafeMutableBufferPointer(rebasing: out[start..<(start + n)])
                forest.pathLengthSums(UnsafeBufferPointer(scaled), rowCount: n, into: sums)
                for r in 0..<n { sums[r] = forest.scoreSample(pathLengthSum: sums[r]) }
                start += n
            }
        }
        }
    }
}
