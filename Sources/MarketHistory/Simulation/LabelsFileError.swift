import BNCCore

/// Why `SimulationEpisode.writeLabels` could not write the labels file. The description names the
/// file the user asked for and what failed: `<path>: cannot create the labels file: <reason>`.
/// A file that cannot be created is exit 73, one that cannot be written or moved into place 74.
package enum LabelsFileError: ToolError, Sendable, Equatable {
    case cannotCreate(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case renameFailed(path: String, errno: Int32)

    package var description: String {
        switch self {
        case .cannotCreate(let p, let e): return "\(p): cannot create the labels file: \(Self.text(e))"
        case .writeFailed(let p, let e): return "\(p): cannot write the labels file: \(Self.text(e))"
        case .renameFailed(let p, let e): return "\(p): cannot move the labels file into place: \(Self.text(e))"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .cannotCreate: return .cannotCreate
        case .writeFailed, .renameFailed: return .ioError
        }
    }

    private static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
