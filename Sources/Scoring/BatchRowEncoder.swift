import AnomalyModel
import BNCCore
import BNCWire

/// Batch mode's output: every row scored (or not) and encoded, a block of rows at a time, by
/// `ScoringEngine.finishBatch` on `--threads` threads at once; the blocks are then written in row
/// order, so the bytes are those of one thread.
///
/// Holds, read-only, everything a row needs — the rows, what each symbol's model contributes
/// (offset, silence feature, attribution width, the detector for rows that were not training
/// rows), the training walk's scores and attribution sums — so that a thread neither copies a
/// collector or a model per row nor touches anything another thread writes.
final class BatchRowEncoder: @unchecked Sendable {
    /// What one thread fills for one block of rows; reused from block to block.
    struct Block: @unchecked Sendable {
        var rows: Range<Int> = 0..<0
        /// Writes the rows (its own copy: the date it last wrote is its own).
        var formatter: ResultFormatter
        /// The block's rows, encoded one after another: `memory`'s first `byteCount` bytes.
        let memory = BlockMemory()
        var byteCount = 0
        /// Row `k` of the block ends at `ends[k]` in `bytes`.
        var ends: [Int] = []
        /// Per row: 0 not scored (no model), 1 a null feature, 2 scored, 3 scored as an anomaly.
        var outcomes: [UInt8] = []
        var scored = 0
        var unscorable = 0

        /// The encoded rows, valid while the block is not encoded again.
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: memory.base, count: byteCount) }
    }

    /// Memory reserved for a block's rows (at least `rowBound` bytes a row), written through a
    /// pointer without an `Array.append` per row. Reserved, not touched: the pages past what the
    /// rows take are never faulted in. A class, so it is freed with the block.
    final class BlockMemory: @unchecked Sendable {
        private(set) var base: UnsafeMutablePointer<UInt8>?
        private(set) var capacity = 0

        /// Room for `byteCount` bytes; what was there is dropped.
        func reserve(_ byteCount: Int) {
            guard byteCount > capacity else { return }
            base?.deallocate()
            base = .allocate(capacity: byteCount)
            capacity = byteCount
        }

        deinit { base?.deallocate() }
    }

    static let unscored: UInt8 = 0, nullFeature: UInt8 = 1, scored: UInt8 = 2, anomaly: UInt8 = 3

    private let table: BatchTable
    private let explaining: Bool
    /// Symbol `k`'s bytes are `symbolBytes[symbolStarts[k]..<symbolStarts[k + 1]]`.
    private let symbolBytes: [UInt8]
    private let symbolStarts: [Int]
    private let longestSymbol: Int
    private let versions: [Int]
    private let offsets: [Double]
    private let silences: [SilenceFeature?]
    private let widths: [Int]
    private let detectors: [AnomalyDetector?]
    /// Per row: the training walk's `score_samples` (when `known`), and the row of its attribution sums.
    private let samples: [Double]
    private let known: [Bool]
    private let attributionRow: [Int32]
    private let knownAttribution: [Float]

    init(table: BatchTable, explaining: Bool, collectors: [SymbolCollector],
         samples: [Double], known: [Bool], attributionRow: [Int32], knownAttribution: [Float]) {
        self.table = table
        self.explaining = explaining
        var bytes: [UInt8] = [], starts = [0]
        for c in collectors {
            bytes += c.symbolBytes
            starts.append(bytes.count)
        }
        symbolBytes = bytes
        symbolStarts = starts
        longestSymbol = zip(starts, starts.dropFirst()).map { $1 - $0 }.max() ?? 0
        versions = collectors.map(\.modelVersion)
        offsets = collectors.map { $0.detector?.offset ?? 0 }
        silences = collectors.map { $0.detector?.silence }
        widths = collectors.map { $0.detector?.forest.attributionStride ?? 0 }
        detectors = collectors.map(\.detector)
        self.samples = samples
        self.known = known
        self.attributionRow = attributionRow
        self.knownAttribution = knownAttribution
    }

    func makeBlock(_ formatter: ResultFormatter) -> Block {
        var formatter = formatter
        formatter.removeAllBytes()
        return Block(formatter: formatter)
    }

    /// Scores and encodes `block.rows` into `block` (what was in it before is dropped).
    func encode(_ block: inout Block) {
        let rowBound = block.formatter.rowBound(symbolLength: longestSymbol)
        block.memory.reserve(max(1, block.rows.count * rowBound))
        block.byteCount = 0
        block.ends.removeAll(keepingCapacity: true)
        block.outcomes.removeAll(keepingCapacity: true)
        block.scored = 0
        block.unscorable = 0
        let f = table.featureCount
        let explaining = explaining
        // Locals, not fields of `block`: handing a field of `block` to `block.formatter` would copy
        // it (and retain its arrays) on every row.
        var attribution = Attribution(featureCount: f)
        var formatter = block.formatter
        block.formatter = ResultFormatter(format: formatter.format, featureNames: [])
        defer { block.formatter = formatter }
        let memory = block.memory.base!
        var byteCount = 0
        defer { block.byteCount = byteCount }
        table.symbol.withUnsafeBufferPointer { symbol in
        table.usable.withUnsafeBufferPointer { usable in
        table.features.withUnsafeBufferPointer { features in
        known.withUnsafeBufferPointer { known in
        samples.withUnsafeBufferPointer { samples in
        attributionRow.withUnsafeBufferPointer { attributionRow in
        knownAttribution.withUnsafeBufferPointer { sums in
        symbolBytes.withUnsafeBytes { symbolBytes in
        symbolStarts.withUnsafeBufferPointer { symbolStarts in
        versions.withUnsafeBufferPointer { versions in
        offsets.withUnsafeBufferPointer { offsets in
        widths.withUnsafeBufferPointer { widths in
            for i in block.rows {
                let k = Int(symbol[i])
                var score: AnomalyScore? = nil
                if usable[i] && known[i] {
                    score = AnomalyScore(scoreSample: samples[i], decision: samples[i] - offsets[k])
                    if explaining {
                        let r = Int(attributionRow[i]), w = widths[k]
                        AnomalyDetector.attribution(fromSums: UnsafeBufferPointer(rebasing: sums[(r * w)..<((r + 1) * w)]),
                                                    featureCount: f, silence: silences[k], into: &attribution)
                    }
                } else if usable[i], detectors[k] != nil {
                    // Not a training row (incomplete, or a model loaded from --model): one walk
                    // gives the score (bit for bit what `score` gives) and the attribution.
                    let x = UnsafeBufferPointer(rebasing: features[(i * f)..<((i + 1) * f)])
                    score = explaining ? detectors[k]!.explain(x, into: &attribution) : detectors[k]!.score(x)
                }
                let outcome: UInt8
                if let score {
                    outcome = score.isAnomaly ? Self.anomaly : Self.scored
                    block.scored += 1
                } else if !usable[i] {
                    outcome = Self.nullFeature
                    block.unscorable += 1
                } else {
                    outcome = Self.unscored
                }
                let name = UnsafeRawBufferPointer(rebasing: symbolBytes[symbolStarts[k]..<symbolStarts[k + 1]])
                byteCount += Self.encode(table.window(i), symbol: name, modelVersion: versions[k], score: score,
                                         attribution: &attribution, explained: score != nil && explaining,
                                         formatter: &formatter, at: memory + byteCount)
                block.ends.append(byteCount)
                block.outcomes.append(outcome)
            }
        }}}}}}}}}}}}
    }

    /// Encodes one row at `row` (room for the formatter's `rowBound`) and returns its length.
    /// `attribution` comes `inout` though it is only read: lent straight from the variable the row
    /// loop's closures capture, it would be copied (its two arrays retained and released) on every row.
    @inline(__always)
    private static func encode(_ window: ResultFormatter.Window, symbol: UnsafeRawBufferPointer, modelVersion: Int,
                               score: AnomalyScore?, attribution: inout Attribution, explained: Bool,
                               formatter: inout ResultFormatter, at row: UnsafeMutablePointer<UInt8>) -> Int {
        formatter.encode(window: window, symbol: symbol, modelVersion: modelVersion, score: score,
                         attribution: attribution, explained: explained, at: row)
    }
}
