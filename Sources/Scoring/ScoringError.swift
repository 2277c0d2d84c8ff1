import AnomalyModel
import BNCCore

/// Why a scoring run stops early; `exitStatus` maps it to DESIGN.md §6.
package enum ScoringError: ToolError {
    /// The model file is unusable (wrong version, other features, damaged): exit 65.
    case model(path: String, ModelError)
    case output(ResultSinkError)
    case input(String)
    /// Every input line was rejected: this is not window-row input at all.
    case noUsableRows(badLines: Int)
    /// A `--features` key the first window row does not have (every row would be dropped): exit 64.
    case unknownFeature(key: String, location: String, available: [String])
    /// `--output` and `--model` name one file (by device and inode): exit 64.
    case sameFile(output: String, model: String)
    /// A file we must write cannot be written (its folder is missing, read-only…): exit 73.
    case cannotCreate(path: String, reason: String)

    package var description: String {
        switch self {
        case .model(let path, let error): return "\(path): \(error)"
        case .output(let error): return error.description
        case .input(let message): return message
        case .noUsableRows(let n): return "none of the \(n) input lines is a window row (DESIGN.md §2); is this bnc-window output?"
        case .unknownFeature(let key, let location, let available):
            let list = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "--features: the first window row (\(location)) has no key \"\(key)\"; its numeric keys are: \(list)"
        case .sameFile(let output, let model):
            return "--output \(output) and --model \(model) are the same file; saving the model would replace every row written to it"
        case .cannotCreate(let path, let reason): return "\(path): \(reason)"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .model(_, .io): return .ioError
        case .model: return .dataError
        case .output(let error): return error.exitStatus
        case .input: return .ioError
        case .noUsableRows: return .dataError
        case .sameFile, .unknownFeature: return .usage
        case .cannotCreate: return .cannotCreate
        }
    }
}
