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

    /// Loads the input, reporting skipped rows on stderr; maps read errors to exit codes.
    func load(allowTradeRates: Bool = false, columns: ResultColumns = .all) throws -> StatsInput {
        SignalTrap.install()
        let diagnostics = Diagnostics(tool: "bnc-stats")
        do {
            let input = try StatsInput.load(files, symbol: symbol, strict: strict, allowTradeRates: allowTradeRates, columns: columns)
            if input.skippedRows > 0 {
                diagnostics.report(nil, "skipped \(input.skippedRows) unreadable row(s)")
                for p in input.problems { diagnostics.report("\(p.file):\(p.line)", p.reason) }
            }
            return input
        } catch {
            diagnostics.report(nil, error.description)
            switch error {
            case .cannotOpen, .readFailed: throw ExitCode(ExitStatus.ioError.rawValue)
            case .severalSymbols: throw ExitCode(ExitStatus.usage.rawValue)
            default: throw ExitCode(ExitStatus.dataError.rawValue)
            }
        }
    }
}

/// Writes `text` to stdout; a reader that went away is a quiet success (DESIGN.md §6).
func emit(_ text: String) throws {
    let out = OutputBuffer(fileDescriptor: 1)
    do {
        try out.append(text)
        try out.flush()
    } catch .downstreamClosed {
        return
    } catch {
        Diagnostics(tool: "bnc-stats").report("stdout", error.description)
        throw ExitCode(ExitStatus.ioError.rawValue)
    }
}

func emit(_ json: JSONValue) throws { try emit(json.serialized() + "\n") }

/// Fails with exit 65 and a message when there is nothing to analyse.
func requireRows(_ input: StatsInput) throws {
    if input.series.count == 0 {
        Diagnostics(tool: "bnc-stats").report(nil, "no result rows in the input")
        throw ExitCode(ExitStatus.dataError.rawValue)
    }
}
