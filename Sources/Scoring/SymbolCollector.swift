import AnomalyModel

/// One symbol's life cycle state: its model, how often it was trained, and the ring buffer of the
/// last `--train-windows` complete windows' raw features (DESIGN.md §4: one model per symbol).
package final class SymbolCollector {
    package let symbol: String
    let symbolBytes: [UInt8]
    /// The model, or nil while untrained. Kept in a class's `let` (`ScoringModel`), so a row is
    /// scored with it where it lies: a `var` of a class could be copied whole for every window,
    /// retaining each of its arrays. Setting it gives it the attribution table when this symbol
    /// keeps one.
    package internal(set) var detector: AnomalyDetector? {
        get { scoringModel?.detector }
        set {
            var model = newValue
            if keepsAttributionTable { model?.forest.keepAttributionTable() }
            scoringModel = model.map(ScoringModel.init)
        }
    }
    private var scoringModel: ScoringModel?
    /// Whether a model is trained.
    package var isTrained: Bool { scoringModel != nil }

    private final class ScoringModel {
        let detector: AnomalyDetector
        init(_ detector: AnomalyDetector) { self.detector = detector }

        func score(_ raw: UnsafeBufferPointer<Double>, explainingInto attribution: inout Attribution, explain: Bool) -> AnomalyScore {
            explain ? detector.explain(raw, into: &attribution) : detector.score(raw)
        }
    }

    /// Whether this symbol's forests keep their per-leaf attribution table: streaming explains one
    /// row at a time, and the table makes that a lookup per tree (`IsolationForest.keptTable`).
    /// Set by the engine for the first `ScoringOptions.attributionTableSymbols` symbols, so memory
    /// stays bounded with thousands of them.
    var keepsAttributionTable = false {
        // Through `detector`'s setter, which adds the table.
        didSet { if keepsAttributionTable, let model = detector { detector = model } }
    }
    /// `model_version`: trainings so far.
    package internal(set) var modelVersion: Int
    /// Rows the current model has scored; at `--retrain-every` the next row retrains first.
    package internal(set) var rowsScoredSinceTraining: Int
    let capacity: Int
    let featureCount: Int
    /// Row-major windows; grows with the windows that arrive (never sized by `--train-windows`
    /// up front) until it holds `capacity` rows, then is overwritten oldest first.
    private var ring: [Double] = []
    private var head = 0
    /// Complete windows held (≤ capacity).
    package private(set) var count = 0

    init(symbol: String, capacity: Int, featureCount: Int) {
        self.symbol = symbol
        symbolBytes = Array(symbol.utf8)
        self.capacity = capacity
        self.featureCount = featureCount
        modelVersion = 0
        rowsScoredSinceTraining = 0
    }

    /// Restores a symbol from a model file; keeps the newest `capacity` buffered rows.
    convenience init(entry: ModelFile.Entry, capacity: Int, featureCount: Int) {
        self.init(symbol: entry.symbol, capacity: capacity, featureCount: featureCount)
        detector = entry.detector
        modelVersion = entry.modelVersion
        rowsScoredSinceTraining = entry.rowsScoredSinceTraining
        let rows = entry.buffer.count / featureCount
        for r in max(0, rows - capacity)..<rows {
            append(entry.buffer[(r * featureCount)..<((r + 1) * featureCount)])
        }
    }

    var isFull: Bool { count >= capacity }

    /// Scores one raw row with this symbol's model where it lies, nil while untrained; with
    /// `explain`, also fills `attribution` (the reason). The per-window path: copying the model
    /// struct for every window (`if let d = detector`) was a fifth of the window's cost.
    @inline(__always)
    func score(_ raw: UnsafeBufferPointer<Double>, explainingInto attribution: inout Attribution, explain: Bool) -> AnomalyScore? {
        scoringModel?.score(raw, explainingInto: &attribution, explain: explain)
    }

    /// Values the buffer holds storage for (tests: it follows the data, not the option).
    var storedValues: Int { ring.count }

    /// Adds one complete window's features, dropping the oldest when full.
    func append<C: Collection<Double>>(_ features: C) where C.Index == Int {
        if ring.count < capacity * featureCount {
            // Still filling: `head` is the end of the stored rows.
            ring.append(contentsOf: features)
        } else {
            var k = head * featureCount
            for v in features {
                ring[k] = v
                k += 1
            }
        }
        head = (head + 1) % capacity
        count = min(count + 1, capacity)
    }

    /// The buffered rows oldest first, row-major.
    func orderedBuffer() -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(count * featureCount)
        let first = (head - count + capacity) % capacity
        for i in 0..<count {
            let r = (first + i) % capacity
            out.append(contentsOf: ring[(r * featureCount)..<((r + 1) * featureCount)])
        }
        return out
    }

    func entry() -> ModelFile.Entry {
        ModelFile.Entry(symbol: symbol, modelVersion: modelVersion, rowsScoredSinceTraining: rowsScoredSinceTraining,
                        buffer: orderedBuffer(), detector: detector)
    }

    /// Trains on the buffer as the `modelVersion + 1`-th model.
    func train(options: ScoringOptions) throws(ModelError) {
        try train(rows: orderedBuffer(), rowCount: count, options: options)
    }

    func train(rows: [Double], rowCount: Int, options: ScoringOptions) throws(ModelError) {
        var unused: [Double]? = nil
        try train(rows: rows, rowCount: rowCount, options: options, trainingScores: &unused)
    }

    func train(rows: [Double], rowCount: Int, options: ScoringOptions, trainingScores: inout [Double]?) throws(ModelError) {
        var unused: [Float]? = nil
        try train(rows: rows, rowCount: rowCount, options: options, trainingScores: &trainingScores, explainTraining: false,
                  trainingAttribution: &unused)
    }

    /// As above; with `explainTraining`, also the training rows' attributions (batch mode).
    func train(rows: [Double], rowCount: Int, options: ScoringOptions, trainingScores: inout [Double]?,
               explainTraining: Bool, trainingAttribution: inout [Float]?) throws(ModelError) {
        let version = modelVersion + 1
        var scores: [Double]? = nil
        var sums: [Float]? = nil
        let trained = try rows.withUnsafeBufferPointer { (buffer) throws(ModelError) in
            try AnomalyDetector.train(rows: buffer, rowCount: rowCount, featureNames: options.featureNames,
                                      parameters: options.parameters, seed: options.trainingSeed(version: version),
                                      trainingScores: &scores, explainTraining: explainTraining, trainingAttribution: &sums)
        }
        trainingScores = scores
        trainingAttribution = sums
        detector = trained
        modelVersion = version
        rowsScoredSinceTraining = 0
    }
}
