import BNCCore

/// The inputs of a subcommand as a source of rows that is read again for every pass and never
/// held whole: memory does not grow with the number of rows (only with what each analysis keeps).
///
/// Each pass parses the files anew (`ResultReader` with a `sink`); stdin is copied once to an
/// unlinked temporary file so it can be read again. Rows come out as `ResultReader.read` +
/// `finish()` would leave them: merged in time order (stable), exact repeats dropped
/// (`RepeatFilter`), then only `--symbol`'s rows. When the inputs, one after the other, are in
/// time order — what bnc-score writes, days named in order — a pass is a plain read. The first
/// row that goes back in time makes the stream sort once into runs on disk (`SortedRuns`) and
/// restart the analysis (`analyse`); later passes merge the runs.
///
/// What the first complete pass learns (files and formats, skipped rows, repeats, symbols, the
/// trade-rate rows of `cv`) is kept, and the same checks as before the change are made at its end:
/// trade-rate files where they are not allowed, several symbols without `--symbol`, no usable rows.
package final class ResultStream: ResultRowSource {
    package typealias Failure = ResultReadError

    private let inputs: [InputFile]
    private let strict: Bool
    private let columns: ResultColumns
    private let symbol: String?
    private let allowTradeRates: Bool
    private var spool: Int32 = -1
    private var runs: SortedRuns?
    private var checked = false

    package private(set) var timeBasis: TimeBasis = .utc
    /// The symbol table rows index (index 0 is "", no symbol).
    package private(set) var symbols: [String] = [""]
    /// The reason table rows index (index 0 is "", no reason).
    package private(set) var reasons: [String] = [""]
    /// Each input as "name (format)".
    package private(set) var files: [String] = []
    package private(set) var skippedRows = 0
    package private(set) var skipped: [ResultReader.SkippedRow] = []
    package private(set) var repeatedRows = 0, conflictingRows = 0
    /// `trade_rate*.csv` rows (cv), in time order.
    package private(set) var tradeRates = TradeRateSeries()
    /// Rows a pass delivers (after repeats and `--symbol`).
    package private(set) var rowCount = 0
    /// Rows per sorted run when the input must be sorted (small in tests, to merge many runs).
    package var sortRunRows = SortedRuns.chunkRows
    /// Threads that decode a named regular file at once (`ResultReader.threads`); stdin, a pipe
    /// or FIFO, is always one stream. The rows delivered are the same for any number.
    package let threads: Int
    /// About how many bytes a decoding thread takes at a time (small in tests, to cut a small
    /// file into many ranges).
    package var parallelChunkSize = ResultReader.defaultParallelChunkSize
    /// Ranges the first complete pass decoded on threads (0: every input was read in one stream).
    package private(set) var rangesDecoded = 0
    /// Whether the input had to be sorted (passes merge runs instead of reading the files).
    package var isSorted: Bool { runs != nil }

    package init(_ paths: [String], symbol: String?, strict: Bool, allowTradeRates: Bool = false,
                 columns: ResultColumns = .all, threads: Int = 1) throws(ResultReadError) {
        precondition(threads > 0)
        inputs = InputFile.list(paths)
        self.threads = threads
        self.symbol = symbol.map { $0.uppercased() }
        self.strict = strict
        self.columns = columns
        self.allowTradeRates = allowTradeRates
        if inputs.contains(where: \.isStandardInput) { try spoolStandardInput() }
    }

    deinit { if spool >= 0 { close(spool) } }

    /// Runs `body` (an analysis: one or more passes), starting it over once if the stream had to
    /// sort the input in its first pass.
    package func analyse<T>(_ body: (ResultStream) throws(ResultReadError) -> T) throws(ResultReadError) -> T {
        while true {
            do { return try body(self) } catch .restartInTimeOrder { continue }
        }
    }

    /// Makes the first pass if none was made (its checks and figures), delivering nothing.
    package func check() throws(ResultReadError) {
        guard !checked else { return }
        try analyse { (s: ResultStream) throws(ResultReadError) in try s.forEachRow { _ in } }
    }

    package func forEachRow(_ body: (ResultRow) -> Void) throws(ResultReadError) {
        // What the pass keeps is reached by the closures through pointers: a `var` captured by
        // an escaping closure (the reader's sink) is checked for exclusive access at run time on
        // every use, which cost a third of the thread that takes the rows in order.
        let filter = UnsafeMutablePointer<RepeatFilter>.allocate(capacity: 1)
        filter.initialize(to: RepeatFilter())
        let counts = UnsafeMutablePointer<PassCounts>.allocate(capacity: 1)
        counts.initialize(to: PassCounts(seen: [Bool](repeating: false, count: symbols.count)))
        defer {
            filter.deinitialize(count: 1); filter.deallocate()
            counts.deinitialize(count: 1); counts.deallocate()
        }
        let wanted: UInt16? = symbol == nil ? nil : 1
        try withoutActuallyEscaping(body) { (body) throws(ResultReadError) in
            let deliver = { (r: ResultRow) in
                counts.pointee.total += 1
                let k = Int(r.symbol)
                if k >= counts.pointee.seen.count { counts.pointee.seen += [Bool](repeating: false, count: k - counts.pointee.seen.count + 1) }
                counts.pointee.seen[k] = true
                if let wanted, r.symbol != wanted { return }
                counts.pointee.delivered += 1
                body(r)
            }
            if let runs {
                try runs.forEach { filter.pointee.add($0, deliver) }
            } else {
                let order = UnsafeMutablePointer<(last: Int64, outOfOrder: Bool)>.allocate(capacity: 1)
                order.initialize(to: (Int64.min, false))
                defer { order.deallocate() }
                let reader = try parse { row in
                    if row.timestamp < order.pointee.last { order.pointee.outOfOrder = true; return false }
                    order.pointee.last = row.timestamp
                    filter.pointee.add(row, deliver)
                    return true
                }
                if order.pointee.outOfOrder {
                    try sortIntoRuns()
                    throw .restartInTimeOrder
                }
                if !checked { learn(reader) }
            }
            filter.pointee.flush(deliver)
        }
        let seen = counts.pointee.seen, delivered = counts.pointee.delivered, total = counts.pointee.total
        if !checked {
            checked = true
            repeatedRows = filter.pointee.dropped
            conflictingRows = filter.pointee.conflicting
            rowCount = delivered
            let present = seen.indices.filter { seen[$0] && !symbols[$0].isEmpty }.map { symbols[$0] }.sorted()
            if !allowTradeRates, let f = formats.first(where: { $0.format == .tradeRateCSV }) {
                throw .tradeRatesNotAllowed(file: f.name)
            }
            if symbol == nil && present.count > 1 { throw .severalSymbols(present) }
            if delivered == 0 && !(allowTradeRates && tradeRates.count > 0) {
                throw .noUsableRows(noRowsHint(total: total, present: present))
            }
        }
    }

    /// A pass's counts of rows (`forEachRow`): all, delivered, and which symbols were seen.
    private struct PassCounts {
        var seen: [Bool]
        var delivered = 0, total = 0
    }

    private var formats: [(name: String, format: ResultFormat)] = []
    private var tradeLineFiles: [String] = []

    /// Parses every input in order, handing rows to `sink` (false stops); returns the reader.
    private func parse(_ sink: @escaping (ResultRow) -> Bool) throws(ResultReadError) -> ResultReader {
        var reader = ResultReader(strict: strict, columns: columns)
        if let symbol { _ = reader.reserveSymbol(symbol) }
        reader.sink = sink
        reader.parallelChunkSize = parallelChunkSize
        for input in inputs {
            reader.threads = input.isStandardInput ? 1 : threads
            if input.isStandardInput {
                _ = lseek(spool, 0, SEEK_SET)
                try reader.read(descriptor: spool, name: input.displayName)
            } else {
                try reader.read(input)
            }
            if reader.isStopped { break }
        }
        reader.finish()
        return reader
    }

    /// What one complete parse of the inputs tells about them.
    private func learn(_ reader: ResultReader) {
        timeBasis = reader.series.timeBasis
        symbols = reader.series.symbols
        reasons = reader.series.reasons
        formats = reader.files
        files = reader.files.map { "\($0.name) (\($0.format.rawValue))" }
        skippedRows = reader.skippedRows
        skipped = reader.skipped
        tradeRates = reader.tradeRates
        tradeLineFiles = reader.tradeLineFiles
        rangesDecoded = reader.rangesDecoded
    }

    /// Reads the inputs once more into sorted runs; every later pass merges them.
    private func sortIntoRuns() throws(ResultReadError) {
        let runs = try SortedRuns(chunkRows: sortRunRows)
        var failure: ResultReadError?
        let reader = try parse { row in
            do throws(ResultReadError) { try runs.add(row) } catch { failure = error; return false }
            return true
        }
        if let failure { throw failure }
        try runs.finish()
        learn(reader)
        self.runs = runs
    }

    /// Copies stdin to an unlinked temporary file, so every pass can read it from the start.
    private func spoolStandardInput() throws(ResultReadError) {
        spool = try TemporaryFile.create()
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var offset = 0
        while true {
            let n = read(0, buffer, size)
            if n < 0 {
                if errno == EINTR { if SignalTrap.stopRequested { break } else { continue } }
                throw .readFailed(file: "<stdin>", reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            var done = 0
            while done < n {
                let w = pwrite(spool, buffer + done, n - done, off_t(offset + done))
                if w > 0 { done += w } else if w < 0 && errno == EINTR { continue } else {
                    throw .readFailed(file: "temporary copy of <stdin>", reason: String(cString: strerror(w < 0 ? errno : ENOSPC)))
                }
            }
            offset += n
        }
    }

    /// Why nothing could be analysed, in the words a user needs (as `StatsInput.noRowsHint`).
    private func noRowsHint(total: Int, present: [String]) -> String {
        if let symbol, total > 0 {
            if present.isEmpty {
                return "symbol \(symbol) not in the input: its rows carry no symbol (the original project's CSV); leave out --symbol"
            }
            return "symbol \(symbol) not in the input; symbols present: \(present.joined(separator: ", "))"
        }
        if let file = tradeLineFiles.first {
            return "\(file): looks like trade lines (bnc-stream output), not scored results: run it through bnc-window | bnc-score first"
        }
        if skippedRows > 0, let first = skipped.first {
            return "no usable rows: all \(skippedRows) row(s) were unreadable (first: \(first.file):\(first.line): \(first.reason))"
        }
        if formats.isEmpty { return "no result rows in the input (it is empty)" }
        return "no result rows in the input (only a header)"
    }
}
