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
    /// An entry's CRC-32 is not the one the archive records: its bytes were damaged. Checked
    /// for every entry before anything is written, so nothing of a damaged archive is emitted.
    case damagedEntry(path: String, expected: UInt32, computed: UInt32)
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
        case .damagedEntry(let path, let expected, let computed):
            return "\(path): damaged zip entry: CRC-32 is \(Self.hex(computed)), the archive records \(Self.hex(expected)); nothing converted"
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
        case .archive, .damagedEntry, .malformedRow: return .dataError
        case .output(.downstreamClosed): return .success
        case .output: return .ioError
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
