import BNCCore
import BNCWire

/// Reads result files (our CSV, our NDJSON, the original's CSV) and trade-rate files, detecting
/// each file's format from its first line, and merges them into one series in time order.
///
/// Rows that cannot be read are skipped and counted (`skippedRows`, first few in `skipped`);
/// with `strict` the first one is an error instead.
package struct ResultReader {
    /// A row that was skipped, and why (named on stderr).
    package struct SkippedRow: Sendable, Equatable {
        package var file: String
        package var line: Int
        package var reason: String
    }

    package var strict = false
    /// Which of the optional feature columns to parse; the others read as 0 (a subcommand that
    /// does not look at them skips their number parsing).
    package var columns: ResultColumns = .all
    package private(set) var series = ResultSeries()
    package private(set) var tradeRates = TradeRateSeries()
    package private(set) var skippedRows = 0
    package private(set) var skipped: [SkippedRow] = []
    /// Rows dropped as exact repeats of an earlier row (same symbol, start and values).
    package private(set) var repeatedRows = 0
    /// Rows kept that share symbol and start with an earlier row but differ from it.
    package private(set) var conflictingRows = 0
    /// Files whose first line is a trade (bnc-stream's output, a Binance capture), not a result:
    /// named in the hint when nothing could be read.
    package private(set) var tradeLineFiles: [String] = []
    /// Files read, with the format detected for each.
    package private(set) var files: [(name: String, format: ResultFormat)] = []
    private var sawOriginal = false, sawOurs = false
    /// Streaming (`ResultStream`): every good row goes to `sink` instead of into `series`, whose
    /// symbol table is then the one table of all files (rows carry indices into it); `sink`
    /// returning false stops the reading. No file is mapped whole.
    package var sink: ((ResultRow) -> Bool)?
    private var stopped = false
    /// Whether `sink` stopped the reading.
    package var isStopped: Bool { stopped }

    /// Gives `symbol` the next index before any row is read (a stream's `--symbol` is index 1).
    package mutating func reserveSymbol(_ symbol: String) -> UInt16? { series.symbolIndex(for: symbol) }

    package init(strict: Bool = false, columns: ResultColumns = .all) {
        self.strict = strict
        self.columns = columns
    }

    /// Reads every input and returns the merged, time-ordered series.
    package static func read(_ inputs: [InputFile], strict: Bool = false, columns: ResultColumns = .all) throws(ResultReadError) -> ResultReader {
        var reader = ResultReader(strict: strict, columns: columns)
        for input in inputs { try reader.read(input) }
        reader.finish()
        return reader
    }

    /// Reads one input (a path or stdin).
    package mutating func read(_ input: InputFile) throws(ResultReadError) {
        let name = input.displayName
        let fd: Int32
        do { fd = try input.open() } catch {
            let text = String(describing: error)  // "cannot open PATH: REASON" → REASON
            throw .cannotOpen(file: name, reason: text.ranges(of: ": ").last.map { String(text[$0.upperBound...]) } ?? text)
        }
        defer { if fd != 0 { close(fd) } }
        try read(descriptor: fd, name: name)
    }

    /// Reads one open input (the caller closes it); `name` is how diagnostics call it.
    package mutating func read(descriptor fd: Int32, name: String) throws(ResultReadError) {
        var info = stat()
        if sink == nil, fd != 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= ResultReader.parallelThreshold {
            try readMapped(fd, Int(info.st_size), name)
            return
        }
        var fileState = FileState(name: name, columns: columns)
        var lineBase = 0
        if sink != nil, threads > 1, fd != 0 { lineBase = try readInParallel(fd, &fileState) }
        if !stopped { try readSequentially(fd, lineBase: lineBase, &fileState) }
        if let part = fileState.part, fileState.format != .tradeRateCSV { try appendPart(part, name) }
        tradeRates.append(contentsOf: fileState.rates)
        if let format = fileState.format { files.append((name, format)) }
    }

    /// The lines from the descriptor's offset to its end, in one stream; line numbers continue
    /// after `lineBase`.
    private mutating func readSequentially(_ fd: Int32, lineBase: Int, _ fileState: inout FileState) throws(ResultReadError) {
        var lineReader = LineReader(fileDescriptor: fd, chunkSize: 1 << 20, maxLineLength: WireLimits.maxLineLength)
        do throws(LineInputError<ResultReadError>) {
            try lineReader.forEachLine { line, number throws(ResultReadError) in
                switch line {
                case .oversized(let length):
                    try self.reject(&fileState, lineBase + number, "line of \(length) bytes is too long")
                case .text(let bytes):
                    try self.consume(bytes, lineBase + number, &fileState)
                }
                return !self.stopped
            }
        } catch {
            if case .body(let error) = error { throw error }
            throw .readFailed(file: fileState.name, reason: error.description)
        }
    }

    // MARK: - Parallel reading (streaming)

    /// Threads that decode a regular file's lines at once when rows go to `sink` (`--threads`);
    /// 1 reads in one stream. The rows, their order and every bad line are the same either way.
    package var threads = 1
    /// About how many bytes a decoding thread takes at a time; tests make it small so that
    /// ranges end all over a small file.
    package var parallelChunkSize = ResultReader.defaultParallelChunkSize
    /// Large enough that handing a range over costs nothing next to decoding its ~5,000 rows,
    /// small enough that the ranges in flight (`OrderedChunkMap`: 2 × threads + 1) stay a few MiB.
    package static let defaultParallelChunkSize = 1 << 20
    /// Ranges decoded on the threads so far (tests check that a file was really split).
    package private(set) var rangesDecoded = 0

    /// A regular file whose lines after the header are worth splitting: the header (and, for
    /// NDJSON, the first row) read here, then the whole lines after it cut into line-aligned
    /// ranges (`LineAlignedChunks`) that `threads` threads decode (`DecodedResultChunk`) and this
    /// thread takes in file order (`OrderedChunkMap`) — symbols, reasons, bad lines and the sink
    /// exactly as `readSequentially` would meet them. Returns the lines consumed, with the
    /// descriptor's offset just after them (0 and the offset untouched when the file is not split);
    /// the rest (a last line without `\n`) is the sequential reader's.
    private mutating func readInParallel(_ fd: Int32, _ state: inout FileState) throws(ResultReadError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return 0 }
        let origin = Int(lseek(fd, 0, SEEK_CUR))
        let size = Int(info.st_size)
        guard origin >= 0, size - origin > parallelChunkSize,
              let (start, headerLines) = try readHeader(fd, from: origin, size: size, &state)
        else { return 0 }
        lseek(fd, off_t(start), SEEK_SET)
        guard !stopped, state.format != .tradeRateCSV, size - start > parallelChunkSize,
              let chunks = LineAlignedChunks.cut(fileDescriptor: fd, from: start, size: size, targetSize: parallelChunkSize),
              chunks.count > 1
        else { return headerLines }
        let decoder = state.decoder
        let map = OrderedChunkMap(fileDescriptor: fd, chunks: chunks, threads: threads) { bytes, recycled in
            DecodedResultChunk.decode(bytes, decoder: decoder, maxLineLength: WireLimits.maxLineLength, reusing: &recycled)
        }
        var lineBase = headerLines
        while let next = map.next() {
            let chunk: DecodedResultChunk
            switch next {
            case .success(let decoded): chunk = decoded
            case .failure(let error): throw .readFailed(file: state.name, reason: error.description)
            }
            rangesDecoded += 1
            try take(chunk, lineBase: lineBase, &state)
            if stopped { return lineBase }
            lineBase += chunk.lines
            // Handed back for a worker to decode into (no fresh memory to fault in).
            map.recycle(consume chunk)
        }
        lseek(fd, off_t(chunks.end), SEEK_SET)
        return lineBase
    }

    /// Reads lines from `origin` with `pread` (the offset is left alone) until the format is
    /// known, as `consume` takes them; returns where the next line starts and how many lines
    /// were read. Nil when the first 64 KiB hold no header (then only blank lines were
    /// consumed, and reading again from `origin` in one stream changes nothing).
    private mutating func readHeader(_ fd: Int32, from origin: Int, size: Int,
                                     _ state: inout FileState) throws(ResultReadError) -> (start: Int, lines: Int)? {
        let probeSize = min(64 << 10, size - origin)
        let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: probeSize, alignment: 16)
        defer { probe.deallocate() }
        var done = 0
        while done < probeSize {
            let n = pread(fd, probe.baseAddress! + done, probeSize - done, off_t(origin + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            done += n
        }
        let bytes = UnsafeRawBufferPointer(probe)
        var position = 0, lines = 0
        while state.format == nil {
            guard position < probeSize, let hit = memchr(bytes.baseAddress! + position, 0x0A, probeSize - position) else { return nil }
            let end = UnsafeRawPointer(hit) - bytes.baseAddress!
            lines += 1
            try consume(Self.line(bytes, position, end), lines, &state)
            position = end + 1
        }
        return (origin + position, lines)
    }

    /// A decoded range, in file order: its bad lines reported and its rows given the stream's
    /// symbol and reason indices and handed to `sink`, as `consume` would for each line.
    private mutating func take(_ chunk: DecodedResultChunk, lineBase: Int, _ state: inout FileState) throws(ResultReadError) {
        // The range's symbols and reasons, given the stream's indices when first met (in row
        // order, so new ones are numbered as a sequential read numbers them); -1 not yet, -2 none.
        var symbolIndices = [Int32](repeating: -1, count: chunk.symbols.count)
        var reasonIndices = [Int32](repeating: -1, count: chunk.reasons.count)
        var bad = 0
        let badCount = chunk.badLines.count
        for i in chunk.rows.indices {
            while bad < badCount && chunk.badLines[bad].rowsBefore == i {
                try reject(&state, lineBase + chunk.badLines[bad].line, chunk.badLines[bad].reason)
                bad += 1
            }
            var row = chunk.rows[i]
            if row.symbol != 0 {
                let k = Int(row.symbol) - 1
                if row.symbol != DecodedResultChunk.tooManySymbols && symbolIndices[k] == -1 {
                    let text = String(decoding: chunk.symbols[k], as: UTF8.self).uppercased()
                    symbolIndices[k] = state.part!.symbolIndex(for: text).map { Int32($0) } ?? -2
                }
                guard row.symbol != DecodedResultChunk.tooManySymbols, symbolIndices[k] >= 0 else {
                    try reject(&state, lineBase + Int(chunk.rowLines[i]), "more than \(ResultSeries.maxSymbols) distinct symbols")
                    continue
                }
                row.symbol = UInt16(symbolIndices[k])
            }
            if row.reason != 0 {
                let k = Int(row.reason) - 1
                if reasonIndices[k] == -1 { reasonIndices[k] = Int32(state.part!.reasonIndex(for: chunk.reasons[k])) }
                row.reason = UInt16(reasonIndices[k])
            }
            if !sink!(row) { stopped = true; return }
        }
        while bad < badCount {
            try reject(&state, lineBase + chunk.badLines[bad].line, chunk.badLines[bad].reason)
            bad += 1
        }
    }

    /// Appends one file's rows; rows whose symbol would pass `ResultSeries.maxSymbols` in the
    /// merged series are bad rows (counted, or the error under `strict`).
    private mutating func appendPart(_ part: ResultSeries, _ name: String) throws(ResultReadError) {
        let left = series.append(contentsOf: part)
        guard left > 0 else { return }
        let reason = "more than \(ResultSeries.maxSymbols) distinct symbols in all the inputs"
        if strict { throw .badRow(file: name, line: 0, reason: reason) }
        skippedRows += left
        if skipped.count < 5 { skipped.append(SkippedRow(file: name, line: 0, reason: "\(left) row(s): " + reason)) }
    }

    /// Files at least this large are mapped and parsed in two halves on two threads.
    static let parallelThreshold = 8 << 20

    /// A regular file: mapped, its header read, then the body split at a line boundary near the
    /// middle and the two halves parsed concurrently, each into its own part; the parts are
    /// appended in file order, so the result is the same as a sequential read.
    private mutating func readMapped(_ fd: Int32, _ size: Int, _ name: String) throws(ResultReadError) {
        // MAP_POPULATE: the page-cache pages are mapped in one go, not one fault per 4 KiB.
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let mapped = mmap(nil, size, PROT_READ, flags, fd, 0), mapped != MAP_FAILED else {
            throw .readFailed(file: name, reason: "cannot map the file")
        }
        defer { munmap(mapped, size) }
        let bytes = UnsafeRawBufferPointer(start: mapped, count: size)
        var state = FileState(name: name, columns: columns)
        state.sizeHint = size
        // The header (or, for NDJSON, the first row) decides the format.
        var position = 0, lineNumber = 0
        while position < size, state.format == nil {
            let end = Self.lineEnd(bytes, from: position)
            lineNumber += 1
            try consume(Self.line(bytes, position, end), lineNumber, &state)
            position = end + 1
        }
        guard position < size else { try finishFile(state, name); return }
        var middle = position + (size - position) / 2
        middle = min(Self.lineEnd(bytes, from: middle) + 1, size)
        let job = ParseJob(reader: ResultReader(strict: strict, columns: columns), state: state, bytes: MappedBytes(bytes: bytes), range: middle..<size)
        // The second half starts with an empty part of its own (same columns and format).
        job.state.part = ResultSeries()
        job.state.part!.reserveCapacity((size - middle) / 64)
        job.state.part!.formats = state.part!.formats
        job.state.part!.timeBasis = state.part!.timeBasis
        job.state.rates = TradeRateSeries()
        let worker = DedicatedThread(handing: job) { job in
            job.run(firstLine: 1)
            return job
        }
        // On an error here the worker is dropped, which still waits for the second half.
        let linesInFirst = try Self.parse(&self, &state, bytes, position..<middle, firstLine: lineNumber + 1)
        let second = worker.join()
        if let error = second.error {
            if case .badRow(let file, let line, let reason) = error {
                throw .badRow(file: file, line: line + lineNumber + linesInFirst, reason: reason)
            }
            throw error
        }
        try finishFile(state, name)
        // Append the second half's rows and its skipped-row accounting (line numbers shifted).
        if let part = second.state.part, state.format != .tradeRateCSV { try appendPart(part, name) }
        tradeRates.append(contentsOf: second.state.rates)
        skippedRows += second.reader.skippedRows
        for var p in second.reader.skipped where skipped.count < 5 {
            p.line += lineNumber + linesInFirst
            skipped.append(p)
        }
    }

    private mutating func finishFile(_ state: FileState, _ name: String) throws(ResultReadError) {
        if let part = state.part, state.format != .tradeRateCSV { try appendPart(part, name) }
        tradeRates.append(contentsOf: state.rates)
        if let format = state.format { files.append((name, format)) }
    }

    /// Parses the lines in `range` (which ends at a line boundary or the end of the file);
    /// returns how many lines it saw.
    fileprivate static func parse(_ reader: inout ResultReader, _ state: inout FileState, _ bytes: UnsafeRawBufferPointer,
                                  _ range: Range<Int>, firstLine: Int) throws(ResultReadError) -> Int {
        var position = range.lowerBound
        var number = firstLine - 1
        while position < range.upperBound {
            let end = min(lineEnd(bytes, from: position), range.upperBound)
            number += 1
            if end - position > WireLimits.maxLineLength {
                try reader.reject(&state, number, "line of \(end - position) bytes is too long")
            } else {
                try reader.consume(line(bytes, position, end), number, &state)
            }
            position = end + 1
        }
        return number - firstLine + 1
    }

    @inline(__always) static func lineEnd(_ bytes: UnsafeRawBufferPointer, from position: Int) -> Int {
        guard position < bytes.count, let hit = memchr(bytes.baseAddress! + position, 0x0A, bytes.count - position) else { return bytes.count }
        return UnsafeRawPointer(hit) - bytes.baseAddress!
    }

    @inline(__always) static func line(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        var end = end
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// The second half of a mapped file, parsed on its own thread (see `DedicatedThread`).
    fileprivate final class ParseJob {
        var reader: ResultReader
        var state: FileState
        let bytes: MappedBytes
        let range: Range<Int>
        var error: ResultReadError?

        init(reader: ResultReader, state: FileState, bytes: MappedBytes, range: Range<Int>) {
            self.reader = reader; self.state = state; self.bytes = bytes; self.range = range
        }

        func run(firstLine: Int) {
            do { _ = try ResultReader.parse(&reader, &state, bytes.bytes, range, firstLine: firstLine) } catch { self.error = error }
        }
    }

    /// A read-only file mapping both halves read at once: sharing it is safe because nobody
    /// writes it, and it is unmapped only after the second half's thread is joined.
    fileprivate struct MappedBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }

    /// Orders the merged rows by time (stable) once every file is in, and drops exact repeats
    /// (`ResultSeries.removeExactRepeats`): a file given twice, windows appended twice.
    package mutating func finish() {
        series.sortByTime()
        (repeatedRows, conflictingRows) = series.removeExactRepeats()
        tradeRates.sortByTime()
    }

    // MARK: - Per-file parsing

    fileprivate struct FileState: Sendable {
        var name: String
        /// Reads the file's lines (`ResultLineDecoder`, the one owner of the results format).
        var decoder: ResultLineDecoder
        var format: ResultFormat? { decoder.format }
        var part: ResultSeries?
        var rates = TradeRateSeries()
        var lastSymbolBytes: [UInt8] = []
        var lastSymbolIndex: UInt16 = 0
        /// The file's size when known: the columns are reserved for the rows it can hold.
        var sizeHint = 0
        init(name: String, columns: ResultColumns) {
            self.name = name
            decoder = ResultLineDecoder(options: .init(columns: columns))
        }
    }

    fileprivate mutating func reject(_ state: inout FileState, _ line: Int, _ reason: String) throws(ResultReadError) {
        if strict { throw .badRow(file: state.name, line: line, reason: reason) }
        skippedRows += 1
        if skipped.count < 5 { skipped.append(SkippedRow(file: state.name, line: line, reason: reason)) }
    }

    fileprivate mutating func consume(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        if state.format == nil {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            guard let format = state.decoder.detect(bytes) else { throw .unknownFormat(file: state.name) }
            var part = ResultSeries()
            if sink != nil { part.adoptTables(of: series) }
            part.formats = [format]
            switch format {
            case .originalCSV:
                sawOriginal = true
                part.timeBasis = .naiveLocal
            case .ourCSV, .ourNDJSON:
                sawOurs = true
            case .tradeRateCSV:
                break
            }
            if sawOriginal && sawOurs { throw .mixedTimeBases }
            series.timeBasis = sawOriginal ? .naiveLocal : .utc
            part.timeBasis = series.timeBasis
            // Rows take over 64 bytes; reserving more than needed costs only address space.
            if sink == nil { part.reserveCapacity(max(1024, state.sizeHint / 64)) }
            state.part = part
            guard format == .ourNDJSON else { return }
            if Self.looksLikeTradeLine(bytes) { tradeLineFiles.append(state.name) }
        }
        if state.format == .tradeRateCSV { try consumeTradeRate(bytes, number, &state); return }
        switch state.decoder.decode(bytes) {
        case .blank: return
        case .bad(let reason): try reject(&state, number, reason)
        case .row(let row): try append(row, bytes, number, &state)
        }
    }

    /// Appends a decoded row to the file's part (or hands it to `sink`): its symbol given the
    /// part's index, a score-less row's prediction and reason cleared, a prediction-less
    /// scored row's prediction taken from the score's sign.
    @inline(__always)
    private mutating func append(_ row: ResultLineDecoder.Row, _ bytes: UnsafeRawBufferPointer, _ number: Int,
                                 _ state: inout FileState) throws(ResultReadError) {
        var symbol: UInt16 = 0
        if let range = row.symbol {
            guard let index = symbolIndex(bytes, range, &state) else {
                try reject(&state, number, "more than \(ResultSeries.maxSymbols) distinct symbols")
                return
            }
            symbol = index
        }
        let (score, prediction) = Self.scoreAndPrediction(row)
        if let sink {
            let reason = score.isNaN ? 0 : row.reason.map { state.part!.reasonIndex(for: $0) } ?? 0
            if !sink(ResultRow(timestamp: row.timestamp!, windowEnd: row.windowEnd, tradeCount: row.tradeCount, volume: row.volume,
                               avgTradeSize: row.avgTradeSize, ret: row.ret, volatility: row.volatility, score: score,
                               prediction: prediction, symbol: symbol, reason: reason)) { stopped = true }
            return
        }
        state.part!.timestamp.append(row.timestamp!)
        state.part!.windowEnd.append(row.windowEnd)
        state.part!.tradeCount.append(row.tradeCount)
        state.part!.volume.append(row.volume)
        state.part!.avgTradeSize.append(row.avgTradeSize)
        state.part!.returns.append(row.ret)
        state.part!.volatility.append(row.volatility)
        state.part!.score.append(score)
        state.part!.prediction.append(prediction)
        state.part!.symbolIndex.append(symbol)
        if row.reason != nil || !state.part!.reasonIndex.isEmpty { state.part!.appendReason(score.isNaN ? nil : row.reason) }
    }

    /// A decoded row's score and prediction as the series keeps them: a prediction-less scored
    /// row's prediction from the score's sign, a score-less row's prediction cleared.
    @inline(__always)
    static func scoreAndPrediction(_ row: ResultLineDecoder.Row) -> (score: Double, prediction: Int8) {
        var prediction = row.prediction
        if prediction == 0 && !row.score.isNaN { prediction = row.score < 0 ? -1 : 1 }
        var score = row.score
        if score.isNaN && prediction != 0 { prediction = 0; score = .nan }
        return (score, prediction)
    }

    /// Timestamps a row may carry (`ResultLineDecoder.timestampRange`).
    package static var timestampRange: ClosedRange<Int64> { ResultLineDecoder.timestampRange }

    /// The symbol's index in the file's part (the decoder has checked its bytes); nil past
    /// `ResultSeries.maxSymbols`.
    @inline(__always)
    private func symbolIndex(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ state: inout FileState) -> UInt16? {
        if range.count == state.lastSymbolBytes.count {
            var same = true
            for k in 0..<range.count where bytes[range.lowerBound + k] != state.lastSymbolBytes[k] { same = false; break }
            if same { return state.lastSymbolIndex }
        }
        let text = ResultLineDecoder.text(bytes, range).uppercased()
        guard let index = state.part!.symbolIndex(for: text) else { return nil }
        state.lastSymbolBytes = Array(UnsafeRawBufferPointer(rebasing: bytes[range]))
        state.lastSymbolIndex = index
        return index
    }

    private mutating func consumeTradeRate(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        if bytes.isEmpty { return }
        var time = Double.nan, rate = Double.nan
        var field = 0, start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x2C {
            if field < state.decoder.columns.count {
                switch state.decoder.columns[field] {
                case .eventTime: time = DecimalParser.double(bytes, start..<i) ?? .nan
                case .tradesPerSec: rate = DecimalParser.double(bytes, start..<i) ?? .nan
                default: break
                }
            }
            field += 1
            start = i + 1
        }
        guard time.isFinite, rate.isFinite else { try reject(&state, number, "bad event_time or trades_per_sec"); return }
        guard rate >= 0 else { try reject(&state, number, "trades_per_sec is negative"); return }
        state.rates.eventTime.append(time)
        state.rates.tradesPerSecond.append(rate)
    }

    /// A trade line (formats.md §1): a JSON object with the event-type key `e`, or the
    /// combined-stream envelope `{"stream":…,"data":{…}}`.
    static func looksLikeTradeLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var event = false, stream = false, data = false
        do {
            try JSONObjectScanner.scan(bytes) { (m: JSONMember) throws(JSONScanError) in
                if JSONObjectScanner.bytes(bytes, m.keyRange, equal: "e") { event = true }
                if JSONObjectScanner.bytes(bytes, m.keyRange, equal: "stream") { stream = true }
                if JSONObjectScanner.bytes(bytes, m.keyRange, equal: "data") && m.kind == .object { data = true }
            }
        } catch { return false }
        return event || (stream && data)
    }
}

/// The feature columns a reader may skip: `premove` and `hourly` never look at trade counts,
/// volumes or trade sizes.
package struct ResultColumns: OptionSet, Sendable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }
    package static let tradeCount = ResultColumns(rawValue: 1)
    package static let volume = ResultColumns(rawValue: 2)
    package static let avgTradeSize = ResultColumns(rawValue: 4)
    package static let all: ResultColumns = [.tradeCount, .volume, .avgTradeSize]
    package static let none: ResultColumns = []
}
