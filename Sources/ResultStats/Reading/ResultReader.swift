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
        var lineReader = LineReader(fileDescriptor: fd, chunkSize: 1 << 20, maxLineLength: WireLimits.maxLineLength)
        var fileState = FileState(name: name)
        do throws(LineInputError<ResultReadError>) {
            try lineReader.forEachLine { line, number throws(ResultReadError) in
                switch line {
                case .oversized(let length):
                    try self.reject(&fileState, number, "line of \(length) bytes is too long")
                case .text(let bytes):
                    try self.consume(bytes, number, &fileState)
                }
                return !self.stopped
            }
        } catch {
            if case .body(let error) = error { throw error }
            throw .readFailed(file: name, reason: error.description)
        }
        if let part = fileState.part, fileState.format != .tradeRateCSV { try appendPart(part, name) }
        tradeRates.append(contentsOf: fileState.rates)
        if let format = fileState.format { files.append((name, format)) }
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
        var state = FileState(name: name)
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

    fileprivate enum Column { case timestamp, windowEnd, tradeCount, volume, avgTradeSize, ret, volatility, score, prediction, symbol, reason, eventTime, tradesPerSec, other }

    fileprivate struct FileState: Sendable {
        var name: String
        var format: ResultFormat?
        var columns: [Column] = []
        var part: ResultSeries?
        var rates = TradeRateSeries()
        var timeBasis: TimeBasis = .utc
        var lastSymbolBytes: [UInt8] = []
        var lastSymbolIndex: UInt16 = 0
        var dateCache = FieldScanner.DateCache()
        /// The file's size when known: the columns are reserved for the rows it can hold.
        var sizeHint = 0
        init(name: String) { self.name = name }
    }

    fileprivate mutating func reject(_ state: inout FileState, _ line: Int, _ reason: String) throws(ResultReadError) {
        if strict { throw .badRow(file: state.name, line: line, reason: reason) }
        skippedRows += 1
        if skipped.count < 5 { skipped.append(SkippedRow(file: state.name, line: line, reason: reason)) }
    }

    fileprivate mutating func consume(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        if state.format == nil {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            guard let format = ResultFormat.detect(firstLine: bytes) else { throw .unknownFormat(file: state.name) }
            state.format = format
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
            if format == .ourNDJSON {
                if Self.looksLikeTradeLine(bytes) { tradeLineFiles.append(state.name) }
                try consumeJSON(bytes, number, &state)
            } else {
                var start = bytes.startIndex
                while start < bytes.count, bytes[start] == 0xEF || bytes[start] == 0xBB || bytes[start] == 0xBF { start += 1 }
                let header = CSVHeader(line: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                state.columns = header.names.map(Self.column(named:))
            }
            return
        }
        switch state.format! {
        case .ourNDJSON: try consumeJSON(bytes, number, &state)
        case .tradeRateCSV: try consumeTradeRate(bytes, number, &state)
        case .ourCSV, .originalCSV: try consumeCSV(bytes, number, &state)
        }
    }

    private static func column(named name: String) -> Column {
        if let column = ScoredResultColumn(rawValue: name) { return Self.column(column) }
        if let key = WindowRowKey(rawValue: name) { return Self.column(key) }
        switch name {
        case "event_time": return .eventTime
        case "trades_per_sec": return .tradesPerSec
        default: return .other
        }
    }

    /// What a scored-result column (DESIGN.md §3) holds for us.
    private static func column(_ column: ScoredResultColumn) -> Column {
        switch column {
        case .timestamp: return .timestamp
        case .windowEnd: return .windowEnd
        case .tradeCount: return .tradeCount
        case .volume: return .volume
        case .averageTradeSize: return .avgTradeSize
        case .return: return .ret
        case .volatility: return .volatility
        case .score: return .score
        case .prediction: return .prediction
        case .symbol: return .symbol
        case .reason: return .reason
        case .complete, .modelVersion, .anomalyScore: return .other
        }
    }

    /// Window-row keys (DESIGN.md §2) accepted in their place: `start`, `end`, `price_return`, …
    private static func column(_ key: WindowRowKey) -> Column {
        switch key {
        case .start: return .timestamp
        case .end: return .windowEnd
        case .priceReturn: return .ret
        case .priceVolatility: return .volatility
        default: return .other
        }
    }

    /// The values of one row while it is being parsed; appended only when the whole row is good.
    package struct Row: Sendable {
        package var timestamp: Int64? = nil
        package var windowEnd = Int64.min
        package var tradeCount = Double.nan, volume = Double.nan, avgTradeSize = Double.nan
        package var ret = Double.nan, volatility = Double.nan
        package var score = Double.nan
        package var prediction: Int8 = 0
        package var symbol: UInt16 = 0
        /// formats.md §3 `reason` (e.g. `volume↑;trade_count↑`); nil when the row has none
        /// (unscored, or a file written before the column existed, or the original's CSV).
        package var reason: String? = nil
    }

    /// The `reason` field at `range`: nil when empty, the text when it is a well-formed reason,
    /// and `failure` set when it is not.
    private static func reason(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ failure: inout String?) -> String? {
        guard !range.isEmpty else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard range.count <= ResultReason.maxLength, ResultReason.parse(Substring(text)) != nil else {
            failure = "bad reason"
            return nil
        }
        return text
    }

    private mutating func consumeCSV(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        if bytes.isEmpty { return }
        if try fastCSVRow(bytes, number, &state) { return }
        var row = Row()
        var field = 0
        var start = 0
        var failure: String? = nil
        let n = bytes.count
        let columns = state.columns
        let wantCount = self.columns.contains(.tradeCount), wantVolume = self.columns.contains(.volume)
        let wantSize = self.columns.contains(.avgTradeSize)
        var i = 0
        while i <= n {
            if i < n && bytes[i] != 0x2C { i += 1; continue }
            var lo = start, hi = i
            if hi - lo >= 2, bytes[lo] == 0x22, bytes[hi - 1] == 0x22 { lo += 1; hi -= 1 }
            let range = lo..<hi
            if field < columns.count {
                switch columns[field] {
                case .timestamp:
                    row.timestamp = TimestampParser.milliseconds(bytes, range)
                    if row.timestamp == nil { failure = "bad timestamp" }
                case .windowEnd:
                    if !range.isEmpty {
                        guard let v = TimestampParser.milliseconds(bytes, range) else { failure = "bad window_end"; break }
                        row.windowEnd = v
                    }
                case .tradeCount: row.tradeCount = wantCount ? DecimalParser.double(bytes, range) ?? .nan : 0
                case .volume: row.volume = wantVolume ? DecimalParser.double(bytes, range) ?? .nan : 0
                case .avgTradeSize: row.avgTradeSize = wantSize ? DecimalParser.double(bytes, range) ?? .nan : 0
                case .ret: row.ret = DecimalParser.double(bytes, range) ?? .nan
                case .volatility: row.volatility = DecimalParser.double(bytes, range) ?? .nan
                case .score:
                    if !range.isEmpty {
                        guard let v = DecimalParser.double(bytes, range) else { failure = "bad score"; break }
                        row.score = v
                    }
                case .prediction:
                    if !range.isEmpty {
                        guard let v = DecimalParser.double(bytes, range), v == 1 || v == -1 else {
                            failure = "prediction is not -1 or 1"; break
                        }
                        row.prediction = v < 0 ? -1 : 1
                    }
                case .symbol:
                    guard let v = symbolIndex(bytes, range, &state) else { failure = Self.symbolFailure(bytes, range); break }
                    row.symbol = v
                case .reason:
                    row.reason = Self.reason(bytes, range, &failure)
                case .eventTime, .tradesPerSec, .other:
                    break
                }
            }
            field += 1
            start = i + 1
            i += 1
            if failure != nil { break }
        }
        if failure == nil && field != columns.count { failure = "\(field) fields, the header has \(columns.count)" }
        try finishRow(row, failure, number, &state)
    }

    /// The common case in one pass over the row: every field in its usual shape (unquoted,
    /// numbers that `FieldScanner` reads, timestamps of fixed width), each number parsed while it
    /// is delimited, columns a subcommand skips only stepped over. Returns false, having appended
    /// nothing, for any other row; `consumeCSV`'s general parser then reads it (and words its
    /// problem), so both paths agree on every row the fast one accepts.
    private mutating func fastCSVRow(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        let count = state.columns.count
        guard count > 0 else { return false }
        let wantCount = self.columns.contains(.tradeCount), wantVolume = self.columns.contains(.volume)
        let wantSize = self.columns.contains(.avgTradeSize)
        var row = Row()
        var position = 0
        var k = 0
        while true {
            if position < n, p[position] == UInt8(ascii: "\"") { return false }
            let column = state.columns[k]
            let fieldIsEmpty = position == n || p[position] == UInt8(ascii: ",")
            var next: Int
            switch column {
            case .timestamp, .windowEnd:
                if fieldIsEmpty {
                    guard column == .windowEnd else { return false }
                    next = position
                } else {
                    // Ours are 24 bytes (`2026-02-28T16:01:20.000Z`); other widths are delimited.
                    next = position + 24
                    if next > n || (next < n && p[next] != UInt8(ascii: ",")) { next = FieldScanner.fieldEnd(p, position, n) }
                    var parsed: Int64? = nil
                    if next == position + 24 { parsed = FieldScanner.isoTimestamp(p, position, &state.dateCache) }
                    guard let t = parsed ?? TimestampParser.milliseconds(bytes, position..<next) else { return false }
                    if column == .timestamp { row.timestamp = t } else { row.windowEnd = t }
                }
            case .tradeCount where !wantCount, .volume where !wantVolume, .avgTradeSize where !wantSize:
                if column == .tradeCount { row.tradeCount = 0 } else if column == .volume { row.volume = 0 } else { row.avgTradeSize = 0 }
                next = FieldScanner.fieldEnd(p, position, n)
            case .tradeCount, .volume, .avgTradeSize, .ret, .volatility, .score, .prediction:
                if fieldIsEmpty {
                    guard column == .score || column == .prediction else { return false }
                    next = position
                } else {
                    guard let (v, end) = DecimalParser.leadingDouble(p, position, n, bytes) else { return false }
                    next = end
                    switch column {
                    case .tradeCount: row.tradeCount = v
                    case .volume: row.volume = v
                    case .avgTradeSize: row.avgTradeSize = v
                    case .ret: row.ret = v
                    case .volatility: row.volatility = v
                    case .score: row.score = v
                    default:
                        guard v == 1 || v == -1 else { return false }
                        row.prediction = v < 0 ? -1 : 1
                    }
                }
            case .symbol:
                next = FieldScanner.fieldEnd(p, position, n)
                guard let v = symbolIndex(bytes, position..<next, &state) else { return false }
                row.symbol = v
            case .reason:
                next = FieldScanner.fieldEnd(p, position, n)
                var failure: String? = nil
                row.reason = Self.reason(bytes, position..<next, &failure)
                if failure != nil { return false }
            case .eventTime, .tradesPerSec, .other:
                next = FieldScanner.fieldEnd(p, position, n)   // also the last: a comma after it is an extra field
            }
            k += 1
            if next < n {
                guard p[next] == UInt8(ascii: ",") else { return false }
            } else if k < count {
                return false          // fewer fields than the header: the general parser says so
            }
            if k == count {
                if next < n { return false }   // more fields than the header: the general parser says so
                break
            }
            position = next + 1
        }
        guard row.timestamp != nil, !row.tradeCount.isNaN, !row.volume.isNaN, !row.avgTradeSize.isNaN,
              !row.ret.isNaN, !row.volatility.isNaN else { return false }
        try finishRow(row, nil, number, &state)
        return true
    }

    private mutating func finishRow(_ row: Row, _ failure: String?, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        var failure = failure
        if failure == nil {
            if row.timestamp == nil { failure = "no timestamp" }
            else if row.tradeCount.isNaN || row.volume.isNaN || row.avgTradeSize.isNaN || row.ret.isNaN || row.volatility.isNaN {
                failure = "missing or non-numeric feature"
            } else {
                failure = Self.impossibleValue(row)
            }
        }
        if let failure { try reject(&state, number, failure); return }
        var prediction = row.prediction
        if prediction == 0 && !row.score.isNaN { prediction = row.score < 0 ? -1 : 1 }
        var score = row.score
        if score.isNaN && prediction != 0 { prediction = 0; score = .nan }
        if let sink {
            let reason = score.isNaN ? 0 : row.reason.map { state.part!.reasonIndex(for: $0) } ?? 0
            if !sink(ResultRow(timestamp: row.timestamp!, windowEnd: row.windowEnd, tradeCount: row.tradeCount, volume: row.volume,
                               avgTradeSize: row.avgTradeSize, ret: row.ret, volatility: row.volatility, score: score,
                               prediction: prediction, symbol: row.symbol, reason: reason)) { stopped = true }
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
        state.part!.symbolIndex.append(row.symbol)
        if row.reason != nil || !state.part!.reasonIndex.isEmpty { state.part!.appendReason(score.isNaN ? nil : row.reason) }
    }

    /// Timestamps a row may carry: years 0000–9999, what the ISO 8601 form can spell (numeric
    /// NDJSON times outside it would overflow the arithmetic on spans).
    package static let timestampRange: ClosedRange<Int64> = -62_167_219_200_000 ... 253_402_300_799_999

    /// Why a parsed row holds values no window can have, or nil. Such a row is a bad row like an
    /// unreadable one: a non-finite number (`1e400` parses to infinity), a negative count, size or
    /// volatility, a return below −1 (the price fell below zero), a score outside [−1, 1]
    /// (`decision_function` = s − offset with s and the offset in [−1, 0]), a time outside years
    /// 0000–9999, a `window_end` not after the start.
    @inline(__always)
    private static func impossibleValue(_ row: Row) -> String? {
        // No arrays here: this runs for every row on the reader's fast path.
        if !row.tradeCount.isFinite { return "trade_count is not finite" }
        if row.tradeCount < 0 { return "trade_count is negative" }
        if !row.volume.isFinite { return "volume is not finite" }
        if row.volume < 0 { return "volume is negative" }
        if !row.avgTradeSize.isFinite { return "avg_trade_size is not finite" }
        if row.avgTradeSize < 0 { return "avg_trade_size is negative" }
        if !row.volatility.isFinite { return "volatility is not finite" }
        if row.volatility < 0 { return "volatility is negative" }
        if !row.ret.isFinite { return "return is not finite" }
        if row.ret < -1 { return "return below -1 (a price below zero)" }
        if !row.score.isNaN {
            guard row.score.isFinite else { return "score is not finite" }
            guard abs(row.score) <= 1 else { return "score outside [-1, 1]" }
        }
        guard let t = row.timestamp, timestampRange.contains(t) else { return "timestamp outside years 0000-9999" }
        if row.windowEnd != Int64.min {
            guard timestampRange.contains(row.windowEnd) else { return "window_end outside years 0000-9999" }
            guard row.windowEnd > t else { return "window_end is not after timestamp" }
        }
        return nil
    }

    /// Why the bytes cannot be a symbol, or nil: formats.md's rule for symbols (1–23 bytes of
    /// printable ASCII without `,` `"` `\` or space); an empty field means "no symbol".
    private static func symbolProblem(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard range.count <= WireLimits.maxSymbolLength else { return "symbol longer than \(WireLimits.maxSymbolLength) bytes" }
        for k in range {
            let b = bytes[k]
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                return "symbol holds a byte that is not printable ASCII (or , \" \\ space)"
            }
        }
        return nil
    }

    /// The symbol's index in the file's part; nil for a bad symbol or one past `maxSymbols`
    /// (`symbolFailure` words which).
    private func symbolIndex(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ state: inout FileState) -> UInt16? {
        if range.count == state.lastSymbolBytes.count {
            var same = true
            for k in 0..<range.count where bytes[range.lowerBound + k] != state.lastSymbolBytes[k] { same = false; break }
            if same { return state.lastSymbolIndex }
        }
        guard Self.symbolProblem(bytes, range) == nil else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self).uppercased()
        guard let index = state.part!.symbolIndex(for: text) else { return nil }
        state.lastSymbolBytes = Array(UnsafeRawBufferPointer(rebasing: bytes[range]))
        state.lastSymbolIndex = index
        return index
    }

    private static func symbolFailure(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        symbolProblem(bytes, range) ?? "more than \(ResultSeries.maxSymbols) distinct symbols"
    }

    private mutating func consumeTradeRate(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        if bytes.isEmpty { return }
        var time = Double.nan, rate = Double.nan
        var field = 0, start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x2C {
            if field < state.columns.count {
                switch state.columns[field] {
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

    private mutating func consumeJSON(_ bytes: UnsafeRawBufferPointer, _ number: Int, _ state: inout FileState) throws(ResultReadError) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        var row = Row()
        var failure: String? = nil
        var symbolRange: Range<Int>? = nil
        do {
            try JSONObjectScanner.scan(bytes) { (m: JSONMember) throws(JSONScanError) in
                let column = Self.jsonColumn(bytes, m.keyRange)
                let r = m.valueRange
                func number() -> Double? { m.kind == .number ? DecimalParser.double(bytes, r) : nil }
                func time() -> Int64? {
                    if m.kind == .string { return TimestampParser.milliseconds(bytes, r) }
                    if m.kind == .number, let v = DecimalParser.int64(bytes, r) { return v }
                    return nil
                }
                switch column {
                case .timestamp:
                    row.timestamp = time()
                    if row.timestamp == nil { failure = "bad timestamp" }
                case .windowEnd:
                    if m.kind != .null {
                        guard let v = time() else { failure = "bad window_end"; return }
                        row.windowEnd = v
                    }
                case .tradeCount: row.tradeCount = number() ?? .nan
                case .volume: row.volume = number() ?? .nan
                case .avgTradeSize: row.avgTradeSize = number() ?? .nan
                case .ret: row.ret = number() ?? .nan
                case .volatility: row.volatility = number() ?? .nan
                case .score:
                    if m.kind != .null {
                        guard let v = number() else { failure = "bad score"; return }
                        row.score = v
                    }
                case .prediction:
                    if m.kind != .null {
                        guard let v = number(), v == 1 || v == -1 else { failure = "prediction is not -1 or 1"; return }
                        row.prediction = v < 0 ? -1 : 1
                    }
                case .symbol:
                    if m.kind == .string { symbolRange = r }
                case .reason:
                    if m.kind == .string {
                        var bad: String? = nil
                        row.reason = m.valueHasEscapes ? nil : Self.reason(bytes, r, &bad)
                        if m.valueHasEscapes { bad = "bad reason" }
                        if let bad { failure = bad }
                    } else if m.kind != .null {
                        failure = "bad reason"
                    }
                default: break
                }
            }
        } catch {
            try reject(&state, number, error.description)
            return
        }
        if let symbolRange, failure == nil {
            if let v = symbolIndex(bytes, symbolRange, &state) { row.symbol = v } else { failure = Self.symbolFailure(bytes, symbolRange) }
        }
        try finishRow(row, failure, number, &state)
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

    private static func jsonColumn(_ b: UnsafeRawBufferPointer, _ k: Range<Int>) -> Column {
        if let column = ScoredResultColumn(key: b, k) { return Self.column(column) }
        for (key, name) in windowRowAliases where name.count == k.count {
            if name.withUnsafeBytes({ $0.elementsEqual(UnsafeRawBufferPointer(rebasing: b[k])) }) { return Self.column(key) }
        }
        return .other
    }

    /// The window-row keys `column(_: WindowRowKey)` maps, as bytes.
    private static let windowRowAliases: [(WindowRowKey, [UInt8])] =
        [WindowRowKey.start, .end, .priceReturn, .priceVolatility].map { ($0, Array($0.name.utf8)) }
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
