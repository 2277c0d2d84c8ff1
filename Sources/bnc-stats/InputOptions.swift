import ArgumentParser
import BNCCore
import ResultStats

/// Options every subcommand shares: the inputs, the symbol, JSON output, strictness.
struct InputOptions: ParsableArguments {
    @Argument(help: "Result files (bnc-score CSV/NDJSON, the original's window_results CSV); none or '-' reads stdin.")
    var files: [String] = []

    @Option(help: "Analyse only this symbol (case-insensitive); required when the input holds several.")
    var symbol: String?

    @Flag(help: "Write the figures as JSON (full precision) instead of tables.")
    var json = false

    @Flag(help: "Stop at the first row that cannot be read (exit 65) instead of skipping and counting it.")
    var strict = false

    func validate() throws {
        if let symbol, let problem = StatsOptionLimits.symbolProblem(symbol) { throw ValidationError(problem) }
    }

    /// Opens the input as a stream of rows read again for each pass (`ResultStream`: memory that
    /// does not grow with the rows), runs `body` over it (from the start again if the stream had
    /// to sort the input), and reports skipped and repeated rows on stderr.
    /// `threads` decode a named regular file at once (`ResultStream.threads`).
    func analyse<T>(allowTradeRates: Bool = false, columns: ResultColumns = .all, threads: Int = 1,
                    _ body: (ResultStream) throws -> T) throws -> T {
        SignalTrap.install()
        let stream = try ResultStream(files, symbol: symbol, strict: strict, allowTradeRates: allowTradeRates, columns: columns,
                                      threads: threads)
        while true {
            do {
                let result = try body(stream)
                report(stream)
                return result
            } catch ResultReadError.restartInTimeOrder {
                continue
            } catch ResultReadError.noUsableRows(let hint) {
                report(stream)
                throw ResultReadError.noUsableRows(hint)
            }
        }
    }

    private func report(_ input: ResultStream) {
        let diagnostics = Diagnostics(tool: "bnc-stats")
        if input.skippedRows > 0 {
            diagnostics.report(nil, "skipped \(input.skippedRows) unreadable row(s)")
            for p in input.skipped { diagnostics.report(p.line > 0 ? "\(p.file):\(p.line)" : p.file, p.reason) }
        }
        if input.repeatedRows > 0 {
            diagnostics.report(nil, "dropped \(input.repeatedRows) exact repeat row(s) (same symbol, start and values: a file given twice, or windows appended twice?)")
        }
        if input.conflictingRows > 0 {
            diagnostics.report(nil, "\(input.conflictingRows) row(s) repeat a window (same symbol and start) with other values; kept")
        }
    }
}

/// Runs a subcommand's body through the one error-to-exit mapping.
func runStats(_ body: () throws -> Void) { ToolExit.run(tool: "bnc-stats", body) }

/// Writes `text` to stdout; a reader that went away is a quiet success (DESIGN.md §6).
func emit(_ text: String) throws(LocatedError<OutputError>) {
    let out = OutputBuffer(fileDescriptor: 1)
    do {
        try out.append(text)
        try out.flush()
    } catch .downstreamClosed {
        return
    } catch {
        throw error.at("stdout")
    }
}

func emit(_ json: JSONValue) throws(LocatedError<OutputError>) { try emit(json.serialized() + "\n") }

/// The window size from `--window`, or inferred from the rows in a pass of their own
/// (`WindowLength`); exit 65 when neither works.
func windowMilliseconds<S: ResultRowSource>(_ option: DurationSpec?, _ source: S) throws -> Double {
    if let option { return Double(option.milliseconds) }
    var length = WindowLength()
    try source.forEachRow { length.add($0) }
    guard let w = length.milliseconds, w > 0 else { throw StatsError.unknownWindowSize }
    return w
}
