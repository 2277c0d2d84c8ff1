import BNCCore

/// Why a model cannot be used or a model file cannot be read or written.
package enum ModelError: ToolError, Sendable, Equatable {
    /// The file is not a bnc-score model file, or is damaged (bad checksum, malformed trees).
    case corrupt(String)
    /// Written by another format version than this build reads.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// Trained on other features (names, order) than the command line asks for.
    case featureMismatch(file: [String], requested: [String])
    /// Trained with another profile than the command line asks for (a version-1 file is `original`).
    case profileMismatch(file: ModelProfile, requested: ModelProfile, fileVersion: UInt32)
    /// The training set is unusable (no rows, wrong width).
    case invalidTrainingSet(String)
    /// Reading or writing the file failed.
    case io(path: String, operation: String, errno: Int32)

    package var description: String {
        switch self {
        case .corrupt(let why): return "not a valid model file: \(why)"
        case .unsupportedVersion(let found, let supported):
            return "model file format version \(found) is not supported (this build reads version \(supported))"
        case .featureMismatch(let file, let requested):
            return "model was trained on features \(file.joined(separator: ",")) but --features is \(requested.joined(separator: ","))"
        case .profileMismatch(let file, let requested, let version):
            let origin = version < 2 ? "was written before profiles existed (format version \(version)) and holds the original profile's models"
                                     : "was trained with --profile \(file.name)"
            return "model file \(origin), but this run uses --profile \(requested.name); run with --profile \(file.name) "
                + "to keep using it, or give another --model path to train the \(requested.name) profile"
        case .invalidTrainingSet(let why): return "cannot train: \(why)"
        case .io(let path, let operation, let code): return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }

    /// A file that cannot be read or written is an I/O failure; everything else is bad data.
    package var exitStatus: ExitStatus {
        switch self {
        case .io: return .ioError
        case .corrupt, .unsupportedVersion, .featureMismatch, .profileMismatch, .invalidTrainingSet: return .dataError
        }
    }
}

