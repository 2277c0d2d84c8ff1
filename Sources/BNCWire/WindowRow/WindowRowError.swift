import BNCCore

/// Why a line is not a usable window row; the description is what diagnostics print after the
/// line's place (`<file>:<line>: `). A bad row is bad input data: exit 65 when it ends a tool.
package enum WindowRowError: ToolError, Sendable, Equatable {
    case json(JSONScanError)
    case missingKey(String)
    case wrongType(String)

    package var description: String {
        switch self {
        case .json(let e): return e.description
        case .missingKey(let k): return "missing key \"\(k)\""
        case .wrongType(let k): return "key \"\(k)\" has the wrong type"
        }
    }

    package var exitStatus: ExitStatus { .dataError }
}
