import BNCCore

/// Why a `bnc-stats` analysis cannot run on the rows it was given (reading errors are
/// `ResultReadError`).
package enum StatsError: ToolError, Sendable, Equatable {
    /// Nothing to analyse.
    case noRows
    /// Fewer than two rows and no `--window`: the window size is unknown.
    case unknownWindowSize
    /// `cv` was given window rows and trade-rate files at once.
    case rowsAndTradeRates

    package var description: String {
        switch self {
        case .noRows: return "no result rows in the input"
        case .unknownWindowSize: return "cannot infer the window size from fewer than two rows: give --window"
        case .rowsAndTradeRates: return "give either window rows or trade_rate files, not both"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .noRows, .unknownWindowSize: return .dataError
        case .rowsAndTradeRates: return .usage
        }
    }
}
