import BNCCore

/// Why a line is not a usable window row; the description is what diagnostics print after the
/// line's place (`<file>:<line>: `). A bad row is bad input data: exit 65 when it ends a tool.
package enum WindowRowError: ToolError, Sendable, Equatable {
    case json(JSONScanError)
    case missingKey(String)
    case wrongType(String)
    /// A number no real window holds (`WindowRowLimits`): key, value as written, what it must be.
    case outOfRange(key: String, value: String, rule: String)
    /// `start`/`end` not `0 ≤ start < end ≤ WindowRowLimits.latestTime`.
    case badTimes(start: Int64, end: Int64)

    package var description: String {
        switch self {
        case .json(let e): return e.description
        case .missingKey(let k): return "missing key \"\(k)\""
        case .wrongType(let k): return "key \"\(k)\" has the wrong type"
        case .outOfRange(let k, let v, let rule): return "key \"\(k)\" is \(v); it must be \(rule)"
        case .badTimes(let s, let e): return "window start \(s), end \(e): need 0 ≤ start < end ≤ \(WindowRowLimits.latestTime) (epoch ms)"
        }
    }

    package var exitStatus: ExitStatus { .dataError }
}
