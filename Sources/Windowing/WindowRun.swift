import BNCCore
import BNCWire

/// What `bnc-window` does, minus argument parsing: reads trade lines from each input in turn (one
/// continuous stream across files), windows them, writes each row as soon as its window closes,
/// and reports bad lines and a summary on stderr.
package struct WindowRun {
    package struct Options: Sendable {
        package var configuration: WindowConfiguration
        /// Stop with exit 65 at the first bad line (open windows are then not flushed).
        package var strict: Bool
        /// No summary line on stderr (bad-line diagnostics still appear).
        package var quiet: Bool
        /// How many bad lines are named individually on stderr; the rest are only counted.
        package var maxErrorLines: Int
        /// Read size; tests vary it.
        package var chunkSize: Int
        /// Threads that parse a file input at once (`OrderedChunkMap`); 1 reads every input in one
        /// stream. A pipe is always one stream.
        package var threads: Int
        /// About how many bytes of a file one parsing thread takes at a time; tests make it small
        /// so that ranges end all over the input.
        package var parallelChunkSize: Int

        /// The default is bnc-window's: times outside `WindowConfiguration.exchangeEra` are quarantined.
        package init(configuration: WindowConfiguration = WindowConfiguration(plausibleTimes: WindowConfiguration.exchangeEra),
                    strict: Bool = false,
                    quiet: Bool = false, maxErrorLines: Int = 10, chunkSize: Int = 1 << 20,
                    threads: Int = 1, parallelChunkSize: Int = WindowRun.defaultParallelChunkSize) {
            self.configuration = configuration
            self.strict = strict
            self.quiet = quiet
            self.maxErrorLines = maxErrorLines
            self.chunkSize = chunkSize
            self.threads = threads
            self.parallelChunkSize = parallelChunkSize
        }
    }

    /// Line counts of a run, for the summary.
    package struct LineCounts: Sendable, Equatable {
        package var lines = 0
        package var badLines = 0
        /// `bnc.heartbeat` lines (formats.md §1): neither trades nor bad lines, not in `lines`.
        package var heartbeats = 0
        package init() {}
    }

    /// Bytes a parsing thread takes at a time: large enough that handing ranges over costs
    /// nothing, small enough that the ranges waiting to be windowed stay a few MiB.
    package static let defaultParallelChunkSize = 2 << 20
    /// The default for `--threads`: one per core, at most 8 (`LineAlignedChunks.defaultThreads`).
    package static var defaultThreads: Int { LineAlignedChunks.defaultThreads }

    package let options: Options
    package let output: OutputBuffer
    package let diagnostics: Diagnostics
    package private(set) var aggregator: WindowAggregator
    package private(set) var lineCounts = LineCounts()
    /// Where the counters of `--metrics-file` are kept (updated per row written, never per trade).
    package let metrics: MetricsSlot<WindowHealth>?

    package init(options: Options, output: OutputBuffer = OutputBuffer(fileDescriptor: 1),
                diagnostics: Diagnostics = Diagnostics(tool: "bnc-window"), metrics: MetricsSlot<WindowHealth>? = nil) {
        self.options = options
        self.output = output
        self.diagnostics = diagnostics
        self.metrics = metrics
        aggregator = WindowAggregator(configuration: options.configuration)
    }

    /// Processes `inputs` and returns the exit status (DESIGN.md §6): 0 also when stopped by a
    /// signal or when downstream closed the pipe, 65 for a bad line under `strict`, 74 when an
    /// input could not be read or stdout could not be written.
    package mutating func run(_ inputs: [InputFile]) -> ExitStatus {
        var status = ExitStatus.success
        var stopped = false
        do throws(OutputError) {
            inputLoop: for input in inputs {
                switch readOne(input) {
                case .finished: continue
                case .stopped: stopped = true; break inputLoop
                case .badLine: try output.flush(); return .dataError
                case .readFailed: status = .ioError
                case .outputFailed(let error): throw error
                }
            }
            // End of input (or a stop signal): the open windows are all we will ever see of them.
            try aggregator.finish { row throws(OutputError) in try Self.write(row, to: output, metrics: metrics) }
            try output.flush()
            reportSilenceSkips()
        } catch .downstreamClosed {
            return .success
        } catch {
            diagnostics.report("stdout", error.description)
            return .ioError
        }
        if !options.quiet { diagnostics.report(nil, summary(stopped: stopped)) }
        return status
    }

    /// Writes one row and counts it in the metrics: every row bnc-window writes goes through here.
    /// (Static, so the aggregator's row callbacks can call it while the aggregator is being changed.)
    @inline(__always)
    static func write(_ row: WindowRow, to output: OutputBuffer, metrics: MetricsSlot<WindowHealth>?) throws(OutputError) {
        try WindowRowWriter.write(row, to: output)
        metrics?.update(urgent: true) { $0.wrote(row, at: MonotonicClock.wallClockMilliseconds()) }
    }

    enum InputOutcome {
        case finished, stopped, badLine, readFailed
        case outputFailed(OutputError)
    }

    /// Why the line loop over one input ends before its last line; thrown out of the loop's
    /// callbacks and caught in `readOne`.
    enum LoopStopError: ToolError {
        /// SIGINT/SIGTERM: flush the open windows and exit 0.
        case stopped
        /// A bad line under `strict`.
        case badLine
        case output(OutputError)

        var description: String {
            switch self {
            case .stopped: return "stopped by signal"
            case .badLine: return "bad line (--strict)"
            case .output(let error): return error.description
            }
        }

        var exitStatus: ExitStatus {
            switch self {
            case .stopped: return .success
            case .badLine: return .dataError
            case .output(let error): return error.exitStatus
            }
        }
    }

    /// Reads one input to its end: a regular file large enough in parallel ranges (then its
    /// last bytes, after the last `\n`, and anything appended meanwhile, in one stream), anything
    /// else in one stream.
    private mutating func readOne(_ input: InputFile) -> InputOutcome {
        let fd: Int32
        do { fd = try input.open() } catch {
            diagnostics.report(nil, error.description)
            return .readFailed
        }
        defer { if fd != 0 { close(fd) } }
        var lineBase = 0
        do throws(LoopStopError) {
            if options.threads > 1 {
                switch try readInParallel(fd, input) {
                case .notSplit: break
                case .readFailed: return .readFailed
                case .consumed(let lines): lineBase = lines
                }
            }
        } catch {
            return outcome(of: .body(error), input)
        }
        var reader = LineReader(fileDescriptor: fd, chunkSize: options.chunkSize, maxLineLength: WireLimits.maxLineLength)
        do throws(LineInputError<LoopStopError>) {
            return try readLines(&reader, input, lineBase: lineBase) ? .finished : .stopped
        } catch {
            return outcome(of: error, input)
        }
    }

    private func outcome(of error: LineInputError<LoopStopError>, _ input: InputFile) -> InputOutcome {
        switch error {
        case .body(.stopped): return .stopped
        case .body(.badLine): return .badLine
        case .body(.output(let error)): return .outputFailed(error)
        case .open(let error): diagnostics.report(nil, error.description)
        case .read(let error): diagnostics.report(input.displayName, error.description)
        }
        return .readFailed
    }

    /// The lines from the reader's position on, in one stream; line numbers continue after `lineBase`.
    private mutating func readLines(_ reader: inout LineReader, _ input: InputFile, lineBase: Int)
        throws(LineInputError<LoopStopError>) -> Bool {
        // Lines in Binance's exact layout are parsed where they lie, finding their end on the way
        // (no separate newline search); every other line is split and parsed in full below,
        // which also names what is wrong with it.
        try reader.forEachLine(claiming: { start, available throws(LoopStopError) in
            if SignalTrap.stopRequested { return .none }   // the line callback stops the run
            guard let (trade, length) = TradeLineParser.parseLeadingLine(start, available: available)
            else { return .none }
            lineCounts.lines += 1
            try add(trade)
            return .line(length: length, keepGoing: true)
        }) { line, number throws(LoopStopError) in
            if SignalTrap.stopRequested { throw .stopped }
            let parsed: StreamLine
            do throws(TradeLineError) {
                switch line {
                case .text(let bytes): parsed = try StreamLine.parse(bytes)
                case .oversized(let length): throw TradeLineError.oversized(length: length)
                }
            } catch {
                lineCounts.lines += 1
                try badLine(error, at: lineBase + number, input)
                return true
            }
            try take(parsed)
            return true
        }
    }

    /// A trade or a heartbeat of the live feed (not counted as a line: `LineCounts.heartbeats`).
    private mutating func take(_ line: StreamLine) throws(LoopStopError) {
        switch line {
        case .trade(let trade):
            lineCounts.lines += 1
            try add(trade)
        case .heartbeat(let beat):
            lineCounts.heartbeats += 1
            try advance(beat)
        }
    }

    /// Counts a line that is not a trade and names it (up to `maxErrorLines`); under `strict`, stops.
    private mutating func badLine(_ error: TradeLineError, at number: Int, _ input: InputFile) throws(LoopStopError) {
        lineCounts.badLines += 1
        metrics?.update { $0.badLines += 1 }
        if lineCounts.badLines <= options.maxErrorLines || options.strict {
            diagnostics.report("\(input.displayName):\(number)", error.description)
        }
        if options.strict { throw .badLine }
    }

    /// The whole lines of a regular file from its current offset, parsed by `options.threads`
    /// threads in ranges and windowed here in file order, so rows, diagnostics and counts are
    /// those of reading it in one stream.
    private mutating func readInParallel(_ fd: Int32, _ input: InputFile) throws(LoopStopError) -> ParallelRead {
        guard let chunks = LineAlignedChunks.cutRestOfRegularFile(fd, targetSize: options.parallelChunkSize) else { return .notSplit }
        let map = OrderedChunkMap(fileDescriptor: fd, chunks: chunks, threads: options.threads) { bytes, recycled in
            TradeLineBatch.parse(bytes, maxLineLength: WireLimits.maxLineLength, reusing: &recycled)
        }
        var lineBase = 0
        ranges: while true {
            let batch: TradeLineBatch
            switch map.next() {
            case nil: break ranges
            case .success(let parsed)?: batch = parsed
            case .failure(let error)?:
                diagnostics.report(input.displayName, error.description)
                return .readFailed
            }
            try replay(batch, input, lineBase: lineBase)
            lineBase += batch.lines
            // Handed back for a worker to parse into (no fresh memory to fault in).
            map.recycle(consume batch)
        }
        lseek(fd, off_t(chunks.end), SEEK_SET)
        return .consumed(lines: lineBase)
    }

    /// How `readInParallel` left an input.
    enum ParallelRead {
        /// Not a regular file worth splitting: nothing was consumed.
        case notSplit
        /// A range could not be read (reported).
        case readFailed
        /// The file's whole lines were windowed, `lines` of them; the descriptor's offset is
        /// after them.
        case consumed(lines: Int)
    }

    /// Windows a parsed range: its trades, heartbeats and bad lines in their order.
    private mutating func replay(_ batch: TradeLineBatch, _ input: InputFile, lineBase: Int) throws(LoopStopError) {
        var other = 0
        let otherCount = batch.otherLines.count
        try batch.trades.withUnsafeBufferPointer { trades throws(LoopStopError) in
            for i in trades.indices {
                while other < otherCount && batch.otherLines[other].tradesBefore == i {
                    try replay(batch.otherLines[other], input, lineBase: lineBase)
                    other += 1
                }
                if SignalTrap.stopRequested { throw .stopped }
                lineCounts.lines += 1
                try add(trades[i])
            }
        }
        while other < otherCount {
            try replay(batch.otherLines[other], input, lineBase: lineBase)
            other += 1
        }
    }

    private mutating func replay(_ line: TradeLineBatch.OtherLine, _ input: InputFile, lineBase: Int) throws(LoopStopError) {
        if SignalTrap.stopRequested { throw .stopped }
        switch line.kind {
        case .bad(let error):
            lineCounts.lines += 1
            try badLine(error, at: lineBase + line.line, input)
        case .heartbeat(let beat):
            lineCounts.heartbeats += 1
            try advance(beat)
        }
    }

    /// Windows one trade and writes the rows it closes.
    @inline(__always)
    private mutating func add(_ trade: Trade) throws(LoopStopError) {
        var emitted = false
        do throws(OutputError) {
            try aggregator.add(trade) { row throws(OutputError) in
                try Self.write(row, to: output, metrics: metrics)
                emitted = true
            }
            if emitted { try rowsWritten() }
        } catch {
            throw .output(error)
        }
    }

    /// After rows were written: a live consumer sits behind a pipe, so it gets each row as its
    /// window closes; a silence cut short by `--max-silence` is said on stderr.
    private mutating func rowsWritten() throws(OutputError) {
        try output.flush()
        if !aggregator.silenceSkips.isEmpty { reportSilenceSkips() }
    }

    /// Closes the windows a heartbeat says are over and writes their rows at once.
    private mutating func advance(_ beat: HeartbeatLine) throws(LoopStopError) {
        var emitted = false
        do throws(OutputError) {
            try aggregator.advance(beat.symbol, to: beat.time) { row throws(OutputError) in
                try Self.write(row, to: output, metrics: metrics)
                emitted = true
            }
            if emitted { try rowsWritten() }
        } catch {
            throw .output(error)
        }
    }

    /// One stderr line per silence cut short by `--max-silence`.
    private mutating func reportSilenceSkips() {
        let minutes = options.configuration.maxSilenceMilliseconds / 60_000
        for skip in aggregator.takeSilenceSkips() {
            let hours = Double(skip.to - skip.from) / 3_600_000
            let span = hours >= 1 ? "\((hours * 10).rounded() / 10) h" : "\((skip.to - skip.from) / 60_000) min"
            diagnostics.report(skip.symbol.description,
                               "no trades from \(UTCTime(epochMilliseconds: skip.from).iso8601) to "
                               + "\(UTCTime(epochMilliseconds: skip.to).iso8601): \(skip.windows) empty windows (\(span)) "
                               + "not written, beyond --max-silence (\(minutes) min)")
        }
    }

    /// `19904 trades in 17 rows (15 complete), 1 symbol; missing 0, duplicates 0, late 0, outliers 0; bad lines 0 of 19904`
    package func summary(stopped: Bool = false) -> String {
        let t = aggregator.totals
        var text = "\(t.trades) trades in \(t.rows) rows (\(t.completeRows) complete), "
        text += "\(t.symbols) symbol\(t.symbols == 1 ? "" : "s"); "
        text += "missing \(t.missingTrades), duplicates \(t.duplicates), late \(t.lateTrades), outliers \(t.outlierTrades); "
        text += "bad lines \(lineCounts.badLines) of \(lineCounts.lines)"
        if lineCounts.badLines > options.maxErrorLines && !options.strict {
            text += " (first \(options.maxErrorLines) listed)"
        }
        if lineCounts.heartbeats > 0 { text += "; \(lineCounts.heartbeats) heartbeats" }
        if t.jumps > 0 { text += "; \(t.jumps) jump\(t.jumps == 1 ? "" : "s") in time accepted" }
        if t.skippedWindows > 0 { text += "; \(t.skippedWindows) empty windows not written (--max-silence)" }
        if stopped { text += "; stopped by signal, open windows flushed" }
        return text
    }
}
