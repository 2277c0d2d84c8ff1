import BNCCore

/// Why the daily trade files (`DailyTradeFiles`) cannot go on; every case ends the recording. A
/// directory that cannot be created, or that another recorder holds, is exit 73, a file that cannot be opened, written or synced
/// exit 74. The description names the path: `<path>: <what failed>: <reason>`.
package enum DailyTradeFilesError: ToolError, Sendable, Equatable {
    case cannotCreateDirectory(path: String, errno: Int32)
    case cannotOpen(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case syncFailed(path: String, errno: Int32)
    /// Another recorder holds the directory's lock (`DIR/.lock`): one recorder per folder.
    case directoryInUse(path: String, ownerPID: Int32?)

    package var description: String {
        switch self {
        case .cannotCreateDirectory(let p, let e): return "\(p): cannot create directory: \(Self.text(e))"
        case .cannotOpen(let p, let e): return "\(p): cannot open: \(Self.text(e))"
        case .writeFailed(let p, let e): return "\(p): write failed: \(Self.text(e))"
        case .syncFailed(let p, let e): return "\(p): fsync failed: \(Self.text(e))"
        case .directoryInUse(let p, let pid):
            let owner = pid.map { " (pid \($0))" } ?? ""
            return "\(p): another recorder\(owner) is recording into this directory; one recorder per directory, or every trade is stored twice"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .cannotCreateDirectory, .directoryInUse: return .cannotCreate
        case .cannotOpen, .writeFailed, .syncFailed: return .ioError
        }
    }

    /// The system's text for `errno` value `code`.
    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
