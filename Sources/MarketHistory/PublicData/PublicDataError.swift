import BNCCore

/// Why converting public data stopped.
package enum PublicDataError: ToolError, Sendable {
    /// Neither `--symbol` nor the file name says which symbol the rows are.
    case noSymbol(path: String)
    /// An input could not be opened (BNCCore's error, which names the path).
    case open(InputFileError)
    /// An input could not be read.
    case read(path: String, LineReaderError)
    /// The zip archive could not be read (not a zip, damaged, bad checksum).
    case archive(path: String, reason: String)
    /// `--strict`: the first bad row ends the run.
    case malformedRow(location: String, line: Int, reason: PublicDataRowError)
    case output(OutputError)

    package var description: String {
        switch self {
        case .noSymbol(let path):
            return "\(path): cannot tell the symbol from the file name (expected SYMBOL-trades-DATE or SYMBOL-aggTrades-DATE); pass --symbol"
        case .open(let error): return error.description
        case .read(let path, let error): return "\(path): \(error)"
        case .archive(let path, let reason): return "\(path): cannot read the zip archive: \(reason)"
        case .malformedRow(let location, let line, let reason): return "\(location):\(line): \(reason) (--strict)"
        case .output(let error): return error.description
        }
    }

    /// The exit status this error ends the tool with (DESIGN.md §6).
    package var exitStatus: ExitStatus {
        switch self {
        case .noSymbol: return .usage
        case .open(let error): return error.exitStatus
        case .read(_, let error): return error.exitStatus
        case .archive, .malformedRow: return .dataError
        case .output(.downstreamClosed): return .success
        case .output: return .ioError
        }
    }
}
