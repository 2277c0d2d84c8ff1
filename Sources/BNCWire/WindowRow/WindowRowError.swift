import BNCCore

/// Why a line is not a usable window row; the description is what diagnostics print.
public enum WindowRowError: Error, Sendable, Equatable, CustomStringConvertible {
    case json(JSONScanError)
    case missingKey(String)
    case wrongType(String)

    public var description: String {
        switch self {
        case .json(let e): return e.description
        case .missingKey(let k): return "missing key \"\(k)\""
        case .wrongType(let k): return "key \"\(k)\" has the wrong type"
        }
    }
}
