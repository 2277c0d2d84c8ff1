import BNCCore

/// Why inputs could not be read; descriptions are what bnc-stats prints after `bnc-stats: `.
package enum ResultReadError: ToolError, Sendable, Equatable {
    case cannotOpen(file: String, reason: String)
    case readFailed(file: String, reason: String)
    /// The first line is neither a known CSV header nor a JSON object.
    case unknownFormat(file: String)
    /// A row that cannot be read, under `--strict` (otherwise such rows are skipped and counted).
    case badRow(file: String, line: Int, reason: String)
    /// The original's local-time rows mixed with our UTC rows: one clock per series.
    case mixedTimeBases
    /// Rows of several symbols, and no `--symbol` to choose one.
    case severalSymbols([String])
    /// Per-second trade-rate files where scored results are needed (only `cv` reads them).
    case tradeRatesNotAllowed(file: String)
    /// Not one row to analyse; the text says what the input looks like instead.
    case noUsableRows(String)
    /// Internal to `ResultStream.analyse`: the input turned out not to be in time order, the
    /// stream has sorted it, and the analysis starts over. Never reaches the user.
    case restartInTimeOrder

    package var description: String {
        switch self {
        case .cannotOpen(let file, let reason): return "\(file): cannot open: \(reason)"
        case .readFailed(let file, let reason): return "\(file): \(reason)"
        case .unknownFormat(let file):
            return "\(file): not a results file (expected a bnc-score CSV/NDJSON or the original's window_results CSV header)"
        case .badRow(let file, let line, let reason): return line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
        case .mixedTimeBases:
            return "the original project's local-time CSV cannot be merged with UTC results; analyse them separately"
        case .severalSymbols(let symbols):
            return "the input holds several symbols (\(symbols.joined(separator: ", "))): choose one with --symbol"
        case .tradeRatesNotAllowed(let file):
            return "\(file): per-second trade counts (event_time,trades_per_sec) are read only by `cv`"
        case .noUsableRows(let hint): return hint
        case .restartInTimeOrder: return "internal: the input was re-read in time order"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .cannotOpen, .readFailed: return .ioError
        case .severalSymbols: return .usage
        case .unknownFormat, .badRow, .mixedTimeBases, .tradeRatesNotAllowed, .noUsableRows, .restartInTimeOrder: return .dataError
        }
    }
}
