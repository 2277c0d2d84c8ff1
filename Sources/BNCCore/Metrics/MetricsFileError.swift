/// Why a metrics file could not be written. At start this ends the tool (73: the file named by
/// `--metrics-file` cannot be made); while running it is reported once and the tool goes on, since
/// losing a metric must never stop detection.
package enum MetricsFileError: ToolError, Equatable {
    /// The temporary file beside the metrics file could not be created or written.
    case write(path: String, errno: Int32)
    /// The temporary file could not be renamed onto the metrics file.
    case rename(path: String, errno: Int32)

    package var description: String {
        switch self {
        case .write(let path, let code): return "\(path): cannot write metrics: \(String(cString: strerror(code)))"
        case .rename(let path, let code): return "\(path): cannot replace metrics file: \(String(cString: strerror(code)))"
        }
    }

    package var exitStatus: ExitStatus { .cannotCreate }
}
