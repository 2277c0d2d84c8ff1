import BNCCore

/// Why a line carries no usable exchange trade time `T` (`TradeTime.read`): bad input data, exit
/// 65 when it ends a tool (`replay --strict`). The description is what follows the line's place.
package enum TradeTimeError: ToolError, Sendable, Equatable {
    case json(JSONScanError)
    case missingTradeTime
    case invalidTradeTime

    package var description: String {
        switch self {
        case .json(let error): return error.description
        case .missingTradeTime: return "no trade time \"T\""
        case .invalidTradeTime: return "trade time \"T\" is not a positive integer"
        }
    }

    package var exitStatus: ExitStatus { .dataError }
}
