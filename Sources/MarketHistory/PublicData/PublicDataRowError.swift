import BNCCore
import BNCWire

/// Why a public-data row was skipped; the description is what diagnostics print.
package enum PublicDataRowError: ToolError, Sendable, Equatable {
    case columnCount(found: Int, expected: Int)
    case unknownLayout(columns: Int)
    case invalidInteger(column: String)
    case invalidDecimal(column: String)
    case nonPositivePrice
    case invalidBoolean(column: String)
    case oversized(length: Int)
    /// An aggTrade whose `lastId − firstId + 1` does not fit in 64 bits (`0,…,9223372036854775807`).
    case tradeCountOverflow

    package var description: String {
        switch self {
        case .columnCount(let found, let expected): return "\(found) columns, expected \(expected)"
        case .unknownLayout(let columns):
            return "\(columns) columns: not a trades (7, or 6 without isBestMatch) or aggTrades (8, or 7) row"
        case .invalidInteger(let column): return "\(column) is not an integer"
        case .invalidDecimal(let column): return "\(column) is not a decimal number"
        case .nonPositivePrice: return "price is not positive"
        case .invalidBoolean(let column): return "\(column) is not true or false"
        case .oversized(let length): return "line of \(length) bytes is too long"
        case .tradeCountOverflow: return "lastId − firstId + 1 is more than \(WireLimits.maxTradesPerAggTrade) trades (no aggregate holds that many)"
        }
    }

    /// A row that cannot be converted is bad input data (it ends the run under `--strict`).
    package var exitStatus: ExitStatus { .dataError }
}
