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

        /// The default is bnc-window's: times outside `WindowConfiguration.exchangeEra` are quarantined.
        package init(configuration: WindowConfiguration = WindowConfiguration(plausibleTimes: WindowConfiguration.exchangeEra),
                    strict: Bool = false,
                    quiet: Bool = false, maxErrorLines: Int = 10, chunkSize: Int = 1 << 20) {
            self.configuration = configuration
            self.strict = strict
            self.quiet = quiet
            self.maxErrorLines = maxErrorLines
            self.chunkSize = chunkSize
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

    package let options: Options
    package let output: OutputBuffer
    package let diagnostics: Diagnostics
    package private(set) var aggregator: WindowAggregator
    package private(set) var lineCounts = LineCounts()

    package init(options: Options, output: OutputBuffer = OutputBuffer(fileDescriptor: 1),
                diagnostics: Diagnostics = Diagnostics(tool: "bnc-window")) {
        self.options = options
        self.output = output
        self.diagnostics = diagnostics
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
            try aggregator.finish { row throws(OutputError) in try WindowRowWriter.write(row, to: output) }
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

    private mutating func readOne(_ input: InputFile) -> InputOutcome {
        do throws(LineInputError<LoopStopError>) {
            let finishedAll = try input.withLineReader(chunkSize: options.chunkSize, maxLineLength: WireLimits.maxLineLength) { reader throws(LineInputError<LoopStopError>) in
                // Lines in Binance's exact layout are parsed where they lie, finding their end on
                // the way (no separate newline search); every other line is split and parsed in
                // full below, which also names what is wrong with it.
                try reader.forEachLine(claiming: { start, available throws(LoopStopError) in
                    if SignalTrap.stopRequested { return .none }   // the line callback stops the run
                    guard let (trade, length) = TradeLineParser.parseLeadingLine(start, available: available)
                    else { return .none }
                    lineCounts.lines += 1
                    try add(trade)
                    return .line(length: length, keepGoing: true)
                }) { line, number throws(LoopStopError) in
                    if SignalTrap.stopRequested { throw .stopped }
                    let trade: Trade
                    var beat: HeartbeatLine?
                    do throws(TradeLineError) {
                        switch line {
                        case .text(let bytes):
                            do throws(TradeLineError) {
                                trade = try TradeLineParser.parse(bytes)
                            } catch {
                                // Not a trade: a heartbeat of the live feed, or a bad line.
                                guard let heartbeat = try HeartbeatLine.read(bytes) else { throw error }
                                beat = heartbeat
                                trade = Trade(symbol: heartbeat.symbol, tradeID: 0, price: 1, quantity: 0,
                                              tradeTime: heartbeat.time, eventTime: heartbeat.time, buyerIsMaker: true)
                            }
                        case .oversized(let length): throw TradeLineError.oversized(length: length)
                        }
                    } catch {
                        lineCounts.lines += 1
                        lineCounts.badLines += 1
                        if lineCounts.badLines <= options.maxErrorLines || options.strict {
                            diagnostics.report("\(input.displayName):\(number)", error.description)
                        }
                        if options.strict { throw .badLine }
                        return true
                    }
                    if let beat {
                        lineCounts.heartbeats += 1
                        try advance(beat)
                        return true
                    }
                    lineCounts.lines += 1
                    try add(trade)
                    return true
                }
            }
            return finishedAll ? .finished : .stopped
        } catch {
            switch error {
            case .body(.stopped): return .stopped
            case .body(.badLine): return .badLine
            case .body(.output(let error)): return .outputFailed(error)
            case .open(let error): diagnostics.report(nil, error.description)
            case .read(let error): diagnostics.report(input.displayName, error.description)
            }
            return .readFailed
        }
    }

    /// Windows one trade and writes the rows it closes.
    @inline(__always)
    private mutating func add(_ trade: Trade) throws(LoopStopError) {
        var emitted = false
        do throws(OutputError) {
            try aggregator.add(trade) { row throws(OutputError) in
                try WindowRowWriter.write(row, to: output)
                emitted = true
            }
            // A live consumer sits behind a pipe: hand it each row as its window closes.
            if emitted {
                try output.flush()
                if !aggregator.silenceSkips.isEmpty { reportSilenceSkips() }
            }
        } catch {
            throw .output(error)
        }
    }

    /// Closes the windows a heartbeat says are over and writes their rows at once.
    private mutating func advance(_ beat: HeartbeatLine) throws(LoopStopError) {
        var emitted = false
        do throws(OutputError) {
            try aggregator.advance(beat.symbol, to: beat.time) { row throws(OutputError) in
                try WindowRowWriter.write(row, to: output)
                emitted = true
            }
            if emitted {
                try output.flush()
                if !aggregator.silenceSkips.isEmpty { reportSilenceSkips() }
            }
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
