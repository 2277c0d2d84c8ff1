import BNCCore
import MarketHistory

/// Why `bnc-stream record` stopped recording: every case is fatal and names its place
/// (`record: …`), as the recorder's diagnostics do. The status is the cause's: 73 for a
/// directory that cannot be created, 74 for the rest.
enum RecordError: ToolError {
    /// The daily files could not be created, written or synced.
    case files(DailyTradeFilesError)
    /// `--tee`: stdout failed for a reason other than its reader going away.
    case output(OutputError)
    /// An input could not be opened.
    case open(InputFileError)
    /// An input could not be read.
    case read(String, LineReaderError)

    var description: String {
        switch self {
        case .files(let error): return "record: \(error)"
        case .output(let error): return "record: stdout: \(error)"
        case .open(let error): return error.description
        case .read(let name, let error): return "\(name): \(error)"
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .files(let error): return error.exitStatus
        case .output(let error): return error.exitStatus
        case .open(let error): return error.exitStatus
        case .read(_, let error): return error.exitStatus
        }
    }
}
