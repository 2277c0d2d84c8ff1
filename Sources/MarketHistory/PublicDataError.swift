import BNCCore

/// Why converting public data stopped.
public enum PublicDataError: ToolError, Sendable {
    /// Neither `--symbol` nor the file name says which symbol the rows are.
    case noSymbol(path: String)
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    /// The zip archive could not be read (not a zip, damaged, bad checksum).
    case archive(path: String, reason: String)
    /// `--strict`: the first bad row ends the run.
    case malformedRow(location: String, line: Int, reason: PublicDataRowError)
    case output(OutputError)

    public var description: String {
        switch self {
        case .noSymbol(let path):
            return "\(path): cannot tell the symbol from the file name (expected SYMBOL-trades-DATE or SYMBOL-aggTrades-DATE); pass --symbol"
        case .cannotOpen(let path, let code): return "\(path): cannot open: \(String(cString: strerror(code)))"
        case .readFailed(let path, let code): return "\(path): read failed: \(String(cString: strerror(code)))"
        case .archive(let path, let reason): return "\(path): cannot read the zip archive: \(reason)"
        case .malformedRow(let location, let line, let reason): return "\(location):\(line): \(reason) (--strict)"
        case .output(let error): return error.description
        }
    }

    /// The exit status this error ends the tool with (DESIGN.md §6).
    public var exitStatus: ExitStatus {
        switch self {
        case .noSymbol: return .usage
        case .cannotOpen, .readFailed: return .ioError
        case .archive, .malformedRow: return .dataError
        case .output(.downstreamClosed): return .success
        case .output: return .ioError
        }
    }
}
