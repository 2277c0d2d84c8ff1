import BNCCore

/// Why a line is not a trade. `description` is printed verbatim after `bnc-window: <file>:<line>: `.
/// A line that is not a trade is bad input data: exit 65 when it ends a tool.
package enum TradeLineError: ToolError, Sendable, Equatable {
    /// Not well-formed JSON (or not an object).
    case syntax(JSONScanError)
    /// Longer than the line cap; the reader skipped it without buffering it.
    case oversized(length: Int)
    /// A well-formed object whose `e` is neither `trade` nor `aggTrade` (e.g. `depthUpdate`).
    case notATrade(eventType: String)
    /// A required key is absent.
    case missingField(String)
    /// A key holds the wrong JSON type.
    case wrongType(field: String, expected: String)
    /// A key holds the right type but an unusable value.
    case invalidValue(field: String, reason: String)

    package var description: String {
        switch self {
        case .syntax(let error): return error.description
        case .oversized(let length): return "line of \(length) bytes exceeds the \(WireLimits.maxLineLength >> 20) MiB limit"
        case .notATrade(let type): return "not a trade event (e = \"\(type)\")"
        case .missingField(let key): return "missing field \"\(key)\" (\(TradeLineError.meaning(of: key)))"
        case .wrongType(let key, let expected):
            return "field \"\(key)\" (\(TradeLineError.meaning(of: key))) must be \(expected)"
        case .invalidValue(let key, let reason):
            return "field \"\(key)\" (\(TradeLineError.meaning(of: key))) \(reason)"
        }
    }

    package var exitStatus: ExitStatus { .dataError }

    static func meaning(of key: String) -> String {
        switch key {
        case "e": return "event type"
        case "E": return "event time"
        case "s": return "symbol"
        case "t": return "trade id"
        case "p": return "price"
        case "q": return "quantity"
        case "T": return "trade time"
        case "m": return "buyer is maker"
        case "a": return "aggregate trade id"
        case "f": return "first trade id"
        case "l": return "last trade id"
        case "data": return "combined-stream payload"
        default: return "unknown"
        }
    }
}
