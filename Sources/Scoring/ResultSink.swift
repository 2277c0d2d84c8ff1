import BNCCore

/// Where encoded result rows go. Rows are handed over whole; a sink never splits one across writes.
package protocol ResultSink {
    /// Takes one encoded row (`\n`-terminated) for the window starting at `windowStart` (epoch ms).
    mutating func write(row: [UInt8], windowStart: Int64) throws(ResultSinkError)
    /// Hands everything pending to the kernel (called per row in streaming mode).
    mutating func flush() throws(ResultSinkError)
    /// Final flush (and fsync for files) at exit.
    mutating func finish() throws(ResultSinkError)
}

/// Why output failed; `downstreamClosed` is a quiet, successful exit (DESIGN.md §6).
package enum ResultSinkError: ToolError, Sendable, Equatable {
    case downstreamClosed
    case io(path: String, operation: String, errno: Int32)

    package var description: String {
        switch self {
        case .downstreamClosed: return "downstream closed the pipe"
        case .io(let path, let operation, let code): return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .downstreamClosed: return .success
        case .io: return .ioError
        }
    }
}

