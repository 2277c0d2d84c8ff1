import AnomalyModel
import BNCCore
import BNCWire

/// bnc-score's life cycle (DESIGN.md §3–4), fed one input line at a time.
///
/// Streaming (default): every row is written as soon as it is read. While a symbol's buffer of
/// `trainWindows` complete windows fills, rows go out with empty `score`/`prediction`; the row that
/// fills it trains model 1 and is scored by it; from then on each row is scored on arrival, and once
/// a model has scored `retrainEvery` rows the next row first retrains on the buffer (the last
/// `trainWindows` complete windows). Incomplete windows are scored but never buffered. Rows whose
/// features hold null (an empty window's price) are written unscored.
///
/// With `--model`, the file is saved atomically after a training — at once, or, when the previous
/// save is recent, at the first row after `ModelSaveSchedule`'s interval, so thousands of symbols
/// training together do not rewrite the whole file for each — and always at exit (with the
/// buffers and counters), so a restart scores its first row at once and continues the same way.
///
/// Batch (`--batch`): rows are kept, each symbol trains once on all its complete windows at the end
/// of input, then every row is written scored, in input order.
package final class ScoringEngine {
    package private(set) var options: ScoringOptions
    private var parser: WindowRowReader
    private var row: WindowRowReader.Fields
    private var formatter: ResultFormatter
    private var sink: any ResultSink
    package private(set) var collectors: [SymbolCollector] = []
    private var lastCollector = -1
    /// Symbol bytes → index in `collectors`, so a row finds its symbol's collector in O(1) among thousands.
    private var symbolIndex = SymbolIndex()
    private let diagnostics = Diagnostics(tool: "bnc-score")
    private var batch: BatchTable
    /// Reused for every scored row: each feature's share in isolating it (the `reason`).
    private var attribution: Attribution

    /// Counters for the closing summary and tests.
    package private(set) var rowsRead = 0
    package private(set) var rowsWritten = 0
    package private(set) var badLines = 0
    package private(set) var unscorableRows = 0
    /// Rows written with a score.
    package private(set) var rowsScored = 0
    /// Trainings in this run, and how many times the `--model` file was written.
    package private(set) var trainings = 0
    package private(set) var modelSaves = 0
    private var saveSchedule: ModelSaveSchedule
    /// The line numbers of the first five bad lines (named on stderr).
    package private(set) var firstBadLines: [Int] = []
    /// Where the counters of `--metrics-file` are kept (updated per row, under the slot's lock).
    private let metrics: MetricsSlot<ScoreHealth>?

    package init(options: ScoringOptions, sink: any ResultSink, metrics: MetricsSlot<ScoreHealth>? = nil) throws(ScoringError) {
        self.options = options
        self.metrics = metrics
        saveSchedule = ModelSaveSchedule(spacedFromBytes: options.modelSavesSpacedFromBytes)
        parser = WindowRowReader(featureNames: options.featureNames)
        row = WindowRowReader.Fields(featureCount: options.featureNames.count)
        formatter = ResultFormatter(format: options.format, featureNames: options.featureNames)
        self.sink = sink
        batch = BatchTable(featureCount: options.featureNames.count)
        attribution = Attribution(featureCount: options.featureNames.count)
        if let path = options.modelPath {
            let file: ModelFile?
            do {
                file = try ModelFile.load(path: path, expectedFeatures: options.featureNames,
                                          expectedProfile: options.profileFromModelFile ? nil : options.parameters.profile)
            } catch {
                throw .model(path: path, error)
            }
            if let file {
                if file.profile != options.parameters.profile {
                    // Only without --profile (with it, a mismatch was refused above).
                    self.options.parameters.profile = file.profile
                    info("\(path): its models were trained with --profile \(file.profile.name); going on with that profile "
                         + "(give --profile and another --model path to train another)")
                }
                for entry in file.entries {
                    collectors.append(SymbolCollector(entry: entry, capacity: options.trainWindows,
                                                      featureCount: options.featureNames.count))
                    let i = collectors.count - 1
                    collectors[i].symbolBytes.withUnsafeBytes { symbolIndex.insert($0, index: i) }
                    keepTableIfStreaming(collectors[i])
                }
                metrics?.update { health in
                    for c in collectors { health.model(c.symbol, version: c.modelVersion, buffered: c.count) }
                }
                let trained = collectors.filter { $0.detector != nil }
                info("\(path): loaded \(trained.count) model(s)"
                     + trained.map { " \($0.symbol) v\($0.modelVersion)" }.joined(separator: ","))
            }
        }
    }

    /// Opens and checks the output before the first input line (a foreign `--output` file is
    /// refused here, untouched).
    package func prepareOutput() throws(ScoringError) {
        do { try sink.prepare() } catch { throw .output(error) }
    }

    // MARK: Input

    /// Handles one input line (`lineNumber` and `source` for diagnostics).
    package func process(line: LineReader.Line, lineNumber: Int, source: String) throws(ScoringError) {
        guard case .text(let bytes) = line else {
            rejected(lineNumber, source, "line longer than the \(WireLimits.maxLineLength >> 20) MiB cap")
            return
        }
        if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        do {
            try parser.parse(bytes, into: &row)
        } catch {
            // The first window row tells whether `--features` fits the input at all: a key it
            // lacks would make every row a bad line, so stop now instead of at the end.
            if rowsRead == 0, case .missingKey(let key) = error, options.featureNames.contains(key) {
                throw .unknownFeature(key: key, location: "\(source):\(lineNumber)", available: Self.numericKeys(bytes))
            }
            rejected(lineNumber, source, error.description)
            return
        }
        let symbol = UnsafeRawBufferPointer(rebasing: bytes[row.symbolRange])
        guard let index = collectorIndex(symbol) else {
            rejected(lineNumber, source, "a symbol beyond the first \(ScoringOptions.maxSymbols) (each has its own model)")
            return
        }
        rowsRead += 1
        if options.batch {
            batch.append(row, symbol: index)
            return
        }
        try handleStreaming(collectors[index], symbol: symbol)
    }

    /// Takes the rows and other lines of a range parsed on a worker thread (`WindowRowBatch`), in
    /// their file order, exactly as `process` would take its lines one by one: a bad line is
    /// handed to `process` itself (the same messages, the same first-row check of `--features`).
    /// `lineBase` is the number of lines before the range. Returns false when a stop signal came
    /// (after the line that saw it, as the one-stream loop stops).
    package func absorb(_ parsed: WindowRowBatch, lineBase: Int, source: String) throws(ScoringError) -> Bool {
        var other = 0
        let otherCount = parsed.otherLines.count
        // Each row's collector, in order (which creates them in order, with their messages);
        // the columns are then appended all at once.
        var indices = [Int32](repeating: -1, count: parsed.count)
        var accepted = 0
        var taken = parsed.count
        var previous: Range<Int> = 0..<0
        var previousIndex: Int32 = -1
        rows: for i in 0..<parsed.count {
            while other < otherCount && parsed.otherLines[other].rowsBefore == i {
                try absorb(parsed.otherLines[other], lineBase: lineBase, source: source)
                other += 1
                if SignalTrap.stopRequested { taken = i; break rows }
            }
            let symbol = (i == 0 ? 0 : Int(parsed.symbolEnds[i - 1]))..<Int(parsed.symbolEnds[i])
            // Rows of one symbol come in runs: the same bytes as the row before, the same collector.
            let index: Int32? = parsed.symbolBytes.withUnsafeBytes { bytes in
                let name = UnsafeRawBufferPointer(rebasing: bytes[symbol])
                if previousIndex >= 0, previous.count == symbol.count,
                   memcmp(bytes.baseAddress! + previous.lowerBound, name.baseAddress!, symbol.count) == 0 {
                    return previousIndex
                }
                return collectorIndex(name).map { Int32($0) }
            }
            if let index {
                rowsRead += 1
                indices[i] = index
                accepted += 1
                previous = symbol
                previousIndex = index
            } else {
                rejected(lineBase + parsed.rowLines[i], source, "a symbol beyond the first \(ScoringOptions.maxSymbols) (each has its own model)")
            }
            if SignalTrap.stopRequested { taken = i + 1; break }
        }
        batch.append(parsed.rows, rows: taken, symbols: indices, accepted: accepted)
        if taken < parsed.count { return false }
        while other < otherCount {
            try absorb(parsed.otherLines[other], lineBase: lineBase, source: source)
            other += 1
            if SignalTrap.stopRequested { return false }
        }
        return true
    }

    /// Batch mode reading a file in ranges: room for about `rows` rows, reserved once, so the
    /// table does not grow by copying itself into fresh memory again and again.
    package func expectBatchRows(_ rows: Int) {
        guard options.batch, batch.count == 0, rows > 0 else { return }
        batch.reserveCapacity(rows)
    }

    private func absorb(_ line: WindowRowBatch.OtherLine, lineBase: Int, source: String) throws(ScoringError) {
        guard var bytes = line.bytes else {
            try process(line: .oversized(length: line.length), lineNumber: lineBase + line.line, source: source)
            return
        }
        // (`withUnsafeBytes` only rethrows `any Error`: the typed error goes out as a Result.)
        try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(ScoringError) in
                try process(line: .text(UnsafeRawBufferPointer(raw)), lineNumber: lineBase + line.line, source: source)
            }
        }.get()
    }

    /// The keys of a row's numbers (and nulls), in row order, except the window times.
    static func numericKeys(_ line: UnsafeRawBufferPointer) -> [String] {
        var keys: [String] = []
        try? JSONObjectScanner.scan(line) { (member: JSONMember) throws(JSONScanError) in
            guard member.kind == .number || member.kind == .null, keys.count < 64 else { return }
            let key = String(decoding: UnsafeRawBufferPointer(rebasing: line[member.keyRange]), as: UTF8.self)
            if key != WindowRowKey.start.name && key != WindowRowKey.end.name { keys.append(key) }
        }
        return keys
    }

    private func rejected(_ lineNumber: Int, _ source: String, _ why: String) {
        badLines += 1
        metrics?.update { $0.badLines += 1 }
        if firstBadLines.count < 5 {
            firstBadLines.append(lineNumber)
            diagnostics.report("\(source):\(lineNumber)", "skipped: \(why)")
        }
    }

    /// The symbol's collector, created on its first row; nil beyond `ScoringOptions.maxSymbols`.
    /// Streaming with reasons: the first `attributionTableSymbols` symbols keep their forests'
    /// per-leaf attribution tables (a lookup per tree per window instead of a walk back up).
    private func keepTableIfStreaming(_ c: SymbolCollector) {
        guard !options.batch, options.format != .original,
              collectors.count <= ScoringOptions.attributionTableSymbols else { return }
        c.keepsAttributionTable = true
    }

    private func collectorIndex(_ symbol: UnsafeRawBufferPointer) -> Int? {
        if lastCollector >= 0, collectors[lastCollector].symbolBytes.elementsEqual(symbol) { return lastCollector }
        if let i = symbolIndex.find(symbol, in: collectors) {
            lastCollector = i
            return i
        }
        guard collectors.count < ScoringOptions.maxSymbols else { return nil }
        collectors.append(SymbolCollector(symbol: String(decoding: symbol, as: UTF8.self),
                                          capacity: options.trainWindows, featureCount: options.featureNames.count))
        symbolIndex.insert(symbol, index: collectors.count - 1)
        keepTableIfStreaming(collectors[collectors.count - 1])
        if options.format == .original, collectors.count == 2 {
            diagnostics.report(nil, "warning: --format original has no symbol column; the rows of "
                               + "\(collectors[0].symbol) and \(collectors[1].symbol) cannot be told apart (use one symbol per file)")
        }
        lastCollector = collectors.count - 1
        return lastCollector
    }

    // MARK: Streaming

    private func handleStreaming(_ c: SymbolCollector, symbol: UnsafeRawBufferPointer) throws(ScoringError) {
        let usable = row.featuresUsable
        let buffered = usable && row.complete
        if buffered { c.append(row.features) }
        if !c.isTrained {
            if c.isFull { try train(c) }
        } else if options.retrainEvery > 0, c.rowsScoredSinceTraining >= options.retrainEvery, c.isFull {
            try train(c)
        }
        var score: AnomalyScore? = nil
        if usable, c.isTrained {
            // `--format original` has no reason column: the plain (branch-free) walk suffices.
            let explain = options.format != .original
            score = row.features.withUnsafeBufferPointer { c.score($0, explainingInto: &attribution, explain: explain) }
            c.rowsScoredSinceTraining += 1
        } else if !usable {
            unscorableRows += 1
        }
        if !c.isTrained, buffered, options.showProgress, Self.isProgressStep(c.count, of: options.trainWindows) {
            // Whole lines only: a line left open would get the next tool's message glued onto it.
            info("\(c.symbol): warm-up \(c.count)/\(options.trainWindows) complete windows; scoring starts at \(options.trainWindows)")
        }
        try emit(symbol: symbol, modelVersion: c.modelVersion, score: score)
        record(c, score: score)
        do { try sink.flush() } catch { throw .output(error) }
        try saveModelIfDue()
    }

    private func emit(symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?) throws(ScoringError) {
        formatter.encode(row: row, symbol: symbol, modelVersion: modelVersion, score: score,
                         attribution: attribution, explained: score != nil && options.format != .original)
        do { try sink.write(row: formatter.bytes, windowStart: row.start) } catch { throw .output(error) }
        rowsWritten += 1
        if score != nil { rowsScored += 1 }
    }

    /// The row just written, in the metrics (when `--metrics-file` is on).
    private func record(_ c: SymbolCollector, score: AnomalyScore?) {
        guard let metrics else { return }
        let end = row.end
        metrics.update(urgent: true) { health in
            health.model(c.symbol, version: c.modelVersion, buffered: c.count)
            health.wrote(c.symbol, windowEnd: end, scored: score != nil, anomaly: score?.isAnomaly == true,
                         at: MonotonicClock.wallClockMilliseconds())
        }
    }

    /// Warm-up progress (a terminal only): the first complete window, then every tenth of the buffer.
    static func isProgressStep(_ count: Int, of total: Int) -> Bool {
        guard count < total else { return false }
        let step = max(1, total / 10)
        return count == 1 || count % step == 0
    }

    private func train(_ c: SymbolCollector) throws(ScoringError) {
        do { try c.train(options: options) } catch {
            throw .model(path: options.modelPath ?? c.symbol, error)
        }
        info("\(c.symbol): model \(c.modelVersion) trained on \(c.count) complete windows")
        trainings += 1
        saveSchedule.modelChanged()
        try saveModelIfDue()
    }

    /// Saves `--model` when a training is not in the file yet and `ModelSaveSchedule` says it is time.
    private func saveModelIfDue() throws(ScoringError) {
        guard options.modelPath != nil, saveSchedule.pending,
              saveSchedule.isDue(now: Int64(MonotonicClock.nowNanoseconds())) else { return }
        try saveModel()
    }

    private func saveModel() throws(ScoringError) {
        guard let path = options.modelPath else { return }
        let start = Int64(MonotonicClock.nowNanoseconds())
        let file = ModelFile(featureNames: options.featureNames, entries: collectors.map { $0.entry() },
                             profile: options.parameters.profile)
        let bytes: Int
        do { bytes = try file.save(path: path) } catch { throw .model(path: path, error) }
        modelSaves += 1
        saveSchedule.saved(bytes: bytes, start: start, end: Int64(MonotonicClock.nowNanoseconds()))
    }

    // MARK: End of input

    /// Batch mode trains and writes here; both modes flush and fsync. Returns normally also after
    /// a stop signal: what was read is finished properly.
    package func finish(interrupted: Bool = false) throws(ScoringError) {
        if options.batch && !interrupted { try finishBatch() }
        do { try sink.finish() } catch { throw .output(error) }
        // Streaming: save the buffers and counters too, so a restart carries on exactly where this
        // run stopped (retraining on the same windows at the same row) instead of where it last trained.
        if !options.batch, collectors.contains(where: { $0.count > 0 || $0.detector != nil }) { try saveModel() }
        if sink.windowsAlreadyPresent > 0 {
            diagnostics.report(options.outputPath, "\(sink.windowsAlreadyPresent) window(s) already in the file were not written again (same symbol and start)")
        }
        if badLines > 0 {
            let lines = firstBadLines.map(String.init).joined(separator: ", ")
            diagnostics.report(nil, "skipped \(badLines) bad line(s) (first at line \(lines))")
        }
        reportScored()
        if rowsRead == 0 && badLines > 0 { throw .noUsableRows(badLines: badLines) }
    }

    private func finishBatch() throws(ScoringError) {
        let f = options.featureNames.count
        let explaining = options.format != .original
        var trainedAny = false
        // Rows whose score_samples (and attribution) are already known: the training rows,
        // walked once for the offset; their reason comes out of that same walk.
        var samples = [Double](repeating: .nan, count: batch.count)
        var known = [Bool](repeating: false, count: batch.count)
        var knownAttribution: [Float] = []
        var attributionRow = [Int32](repeating: -1, count: explaining ? batch.count : 0)
        for (index, c) in collectors.enumerated() where c.detector == nil {
            let members = batch.members(of: Int32(index))
            // The members' features, gathered in one pass into storage of the right size (or,
            // when every row is a member — one symbol, all complete — the table's own, uncopied).
            let rows = members.count == batch.count ? batch.features : batch.features.withUnsafeBufferPointer { features in
                [Double](unsafeUninitializedCapacity: members.count * f) { out, initialized in
                    var k = 0
                    for i in members {
                        for j in 0..<f { (out.baseAddress! + k + j).initialize(to: features[i * f + j]) }
                        k += f
                    }
                    initialized = k
                }
            }
            guard !members.isEmpty else {
                diagnostics.report(c.symbol, "no complete windows to train on; its rows are written unscored")
                continue
            }
            var trainingScores: [Double]? = nil
            var trainingAttribution: [Float]? = nil
            do {
                try c.train(rows: rows, rowCount: members.count, options: options, trainingScores: &trainingScores,
                            explainTraining: explaining, trainingAttribution: &trainingAttribution)
            } catch {
                throw .model(path: options.modelPath ?? c.symbol, error)
            }
            if let trainingScores {
                for (k, i) in members.enumerated() { samples[i] = trainingScores[k]; known[i] = true }
            }
            if let trainingAttribution, let detector = c.detector {
                let base = knownAttribution.count / detector.forest.attributionStride
                // (The first symbol's array is taken as it is: no copy, no fresh pages.)
                if knownAttribution.isEmpty { knownAttribution = trainingAttribution } else { knownAttribution += trainingAttribution }
                for (k, i) in members.enumerated() { attributionRow[i] = Int32(base + k) }
            }
            info("\(c.symbol): model \(c.modelVersion) trained on \(members.count) complete windows")
            trainedAny = true
            trainings += 1
        }
        if trainedAny { try saveModel() }
        let encoder = BatchRowEncoder(table: batch, explaining: explaining, collectors: collectors, samples: samples,
                                      known: known, attributionRow: attributionRow, knownAttribution: knownAttribution)
        // Rounds of `--threads` blocks of rows, each block encoded on a thread of its own (the last
        // here) and written in row order: the bytes of one thread. Two sets of blocks take turns,
        // so this thread writes one round's blocks while the other threads encode the next.
        let blockRows = max(1, options.batchBlockRows)
        let threads = max(1, options.threads)
        var encoding: [BatchRowEncoder.Block?] = (0..<threads).map { _ in encoder.makeBlock(formatter) }
        var encoded: [BatchRowEncoder.Block?] = (0..<threads).map { _ in encoder.makeBlock(formatter) }
        var next = 0
        var pending = 0  // blocks of `encoded` not yet written
        var stopped = false
        var failure: ScoringError? = nil
        while next < batch.count && !stopped {
            var used = 0
            while used < threads && next < batch.count {
                encoding[used]!.rows = next..<min(batch.count, next + blockRows)
                next = encoding[used]!.rows.upperBound
                used += 1
            }
            let toWrite = pending
            Self.encode(&encoding, 0, used, encoder) {
                do throws(ScoringError) {
                    for t in 0..<toWrite where !stopped { stopped = try write(encoded[t]!) }
                } catch {
                    failure = error
                    stopped = true
                }
            }
            if let failure { throw failure }
            pending = used
            swap(&encoding, &encoded)
        }
        for t in 0..<pending where !stopped { stopped = try write(encoded[t]!) }
    }

    /// Encodes `blocks[t..<used]`: the first on a new thread, the rest by recursion, the last here,
    /// after `meanwhile` (which must not touch these blocks) has run here while the others encode.
    private static func encode(_ blocks: inout [BatchRowEncoder.Block?], _ t: Int, _ used: Int, _ encoder: BatchRowEncoder,
                               meanwhile: () -> Void) {
        if t == used - 1 {
            meanwhile()
            encoder.encode(&blocks[t]!)
            return
        }
        // Taken out of the array, so the thread has the only reference to its buffers.
        let mine = blocks[t].take()!
        let worker = DedicatedThread(handing: mine) { block in
            var block = block
            encoder.encode(&block)
            return block
        }
        encode(&blocks, t + 1, used, encoder, meanwhile: meanwhile)
        blocks[t] = worker.join()
    }

    /// Writes an encoded block and counts it; true when a stop signal ends the output here. The
    /// signal is looked at after every 1,024th row (row index a multiple of 1,024), as the one-row
    /// loop did: a stop before a block writes its rows up to that row.
    private func write(_ block: BatchRowEncoder.Block) throws(ScoringError) -> Bool {
        let rows = block.rows
        let firstCheck = (rows.lowerBound + 0x3FF) & ~0x3FF
        var count = rows.count
        var stop = false
        if firstCheck < rows.upperBound, SignalTrap.stopRequested {
            count = firstCheck - rows.lowerBound + 1
            stop = true
        }
        // (`withUnsafeBufferPointer` only rethrows `any Error`: the typed error comes out as a Result.)
        let bytes = block.bytes
        let written: Result<Void, ResultSinkError> = withExtendedLifetime(block.memory) {
            block.ends.withUnsafeBufferPointer { ends in
                batch.start.withUnsafeBufferPointer { starts in
                    Result { () throws(ResultSinkError) in
                        try sink.write(rows: bytes, ends: UnsafeBufferPointer(rebasing: ends[0..<count]),
                                       windowStarts: UnsafeBufferPointer(rebasing: starts[rows.lowerBound..<(rows.lowerBound + count)]))
                    }
                }
            }
        }
        do { try written.get() } catch { throw .output(error) }
        if count == rows.count {
            rowsWritten += count
            rowsScored += block.scored
            unscorableRows += block.unscorable
        } else {
            for k in 0..<count {
                rowsWritten += 1
                if block.outcomes[k] >= BatchRowEncoder.scored { rowsScored += 1 }
                if block.outcomes[k] == BatchRowEncoder.nullFeature { unscorableRows += 1 }
            }
        }
        if let metrics {
            metrics.update(urgent: true) { health in
                for k in 0..<count {
                    let i = rows.lowerBound + k
                    let c = collectors[Int(batch.symbol[i])]
                    health.model(c.symbol, version: c.modelVersion, buffered: c.count)
                    health.wrote(c.symbol, windowEnd: batch.end[i], scored: block.outcomes[k] >= BatchRowEncoder.scored,
                                 anomaly: block.outcomes[k] == BatchRowEncoder.anomaly, at: MonotonicClock.wallClockMilliseconds())
                }
            }
        }
        return stop || (count == rows.count && rows.lowerBound <= (rows.upperBound - 1) & ~0x3FF && SignalTrap.stopRequested)
    }

    // MARK: Messages

    private func info(_ message: String) {
        guard !options.quiet else { return }
        diagnostics.report(nil, message)
    }

    /// The closing account: how many rows were scored and why not more (a model still in its
    /// warm-up, null features). Informational, except when rows came and none was scored: then
    /// it is said even with `--quiet`, since the output holds no scores at all.
    private func reportScored() {
        guard rowsWritten > 0 else { return }
        var why: [String] = []
        if unscorableRows > 0 { why.append("\(unscorableRows) with a null feature") }
        let waiting = rowsWritten - rowsScored - unscorableRows
        if waiting > 0 { why.append(options.batch ? "\(waiting) of symbols without a model" : "\(waiting) before their symbol's model was trained") }
        let summary = "scored \(rowsScored) of \(rowsWritten) window rows" + (why.isEmpty ? "" : " (" + why.joined(separator: ", ") + ")")
        let untrained = collectors.filter { $0.detector == nil }
        let loud = rowsScored == 0
        func say(_ location: String?, _ message: String) {
            if loud || !options.quiet { diagnostics.report(location, message) }
        }
        say(nil, summary)
        // (Batch mode has named its symbols without complete windows already.)
        guard !options.batch else { return }
        for c in untrained.prefix(10) {
            say(c.symbol, "model not trained: \(c.count) of \(options.trainWindows) complete windows — "
                + "use --train-windows \(max(1, c.count)) or less, or --batch")
        }
        if untrained.count > 10 { say(nil, "\(untrained.count - 10) more symbol(s) without a model") }
    }
}

/// Batch mode's rows, column by column.
struct BatchTable: Sendable {
    let featureCount: Int
    var start: [Int64] = [], end: [Int64] = []
    var complete: [Bool] = [], usable: [Bool] = []
    var symbol: [Int32] = []
    var columns: [Double] = []
    var features: [Double] = []

    init(featureCount: Int) { self.featureCount = featureCount }

    var count: Int { start.count }

    mutating func append(_ row: WindowRowReader.Fields, symbol index: Int) {
        start.append(row.start); end.append(row.end)
        complete.append(row.complete); usable.append(row.featuresUsable)
        symbol.append(Int32(index))
        columns.append(row.columns.0); columns.append(row.columns.1); columns.append(row.columns.2)
        columns.append(row.columns.3); columns.append(row.columns.4)
        // Through a pointer: `append(contentsOf: row.features)` retained and released the array.
        row.features.withUnsafeBufferPointer { features.append(contentsOf: $0) }
    }

    /// The first `rows` rows of `other` (a `WindowRowBatch`'s rows) whose symbol index in
    /// `symbols` is not −1 (`accepted` of them), as those symbols.
    mutating func append(_ other: BatchTable, rows: Int, symbols: [Int32], accepted: Int) {
        if accepted == rows {
            start += other.start[0..<rows]; end += other.end[0..<rows]
            complete += other.complete[0..<rows]; usable += other.usable[0..<rows]
            symbol += symbols[0..<rows]
            columns += other.columns[0..<(5 * rows)]
            features += other.features[0..<(featureCount * rows)]
            return
        }
        for i in 0..<rows where symbols[i] >= 0 {
            start.append(other.start[i]); end.append(other.end[i])
            complete.append(other.complete[i]); usable.append(other.usable[i])
            symbol.append(symbols[i])
            columns += other.columns[(5 * i)..<(5 * i + 5)]
            features += other.features[(i * featureCount)..<((i + 1) * featureCount)]
        }
    }

    mutating func reserveCapacity(_ rows: Int) {
        start.reserveCapacity(rows); end.reserveCapacity(rows)
        complete.reserveCapacity(rows); usable.reserveCapacity(rows)
        symbol.reserveCapacity(rows)
        columns.reserveCapacity(5 * rows); features.reserveCapacity(featureCount * rows)
    }

    /// Empty, keeping the storage (a recycled `WindowRowBatch`).
    mutating func removeAll() {
        start.removeAll(keepingCapacity: true); end.removeAll(keepingCapacity: true)
        complete.removeAll(keepingCapacity: true); usable.removeAll(keepingCapacity: true)
        symbol.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true); features.removeAll(keepingCapacity: true)
    }

    /// The rows of symbol `index` that are complete and usable (its training rows), in order:
    /// one pass over the columns' storage, not three subscripts of the engine's table per row.
    func members(of index: Int32) -> [Int] {
        symbol.withUnsafeBufferPointer { symbol in
            complete.withUnsafeBufferPointer { complete in
                usable.withUnsafeBufferPointer { usable in
                    var members: [Int] = []
                    members.reserveCapacity(symbol.count)
                    for i in 0..<symbol.count where symbol[i] == index && complete[i] && usable[i] { members.append(i) }
                    return members
                }
            }
        }
    }

    /// Row `i`'s columns as the formatter takes them (no features: the encoder reads those in place).
    func window(_ i: Int) -> ResultFormatter.Window {
        ResultFormatter.Window(start: start[i], end: end[i], complete: complete[i],
                               columns: (columns[5 * i], columns[5 * i + 1], columns[5 * i + 2], columns[5 * i + 3], columns[5 * i + 4]))
    }
}
