import BNCCore

/// Why `bnc-stats watch` stops (a failing `--exec` command never does: it is reported and the
/// watch goes on).
package enum WatchError: ToolError, Sendable, Equatable {
    case cannotOpen(file: String, reason: String)
    case readFailed(file: String, reason: String)
    case badStateFile(file: String, reason: String)
    case cannotWriteState(file: String, reason: String)
    case cannotStartCommand(reason: String)
    case output(String)

    package var description: String {
        switch self {
        case .cannotOpen(let file, let reason): return "\(file): cannot open: \(reason)"
        case .readFailed(let file, let reason): return "\(file): read failed: \(reason)"
        case .badStateFile(let file, let reason): return "\(file): not a watch state file: \(reason)"
        case .cannotWriteState(let file, let reason): return "\(file): cannot write the state: \(reason)"
        case .cannotStartCommand(let reason): return "exec: cannot start /bin/sh: \(reason)"
        case .output(let reason): return "stdout: \(reason)"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .cannotOpen: return .ioError
        case .readFailed, .output: return .ioError
        case .badStateFile: return .dataError
        case .cannotWriteState: return .cannotCreate
        case .cannotStartCommand: return .unavailable
        }
    }
}
