import BNCCore

/// Where encoded result rows go. Rows are handed over whole; a sink never splits one across writes.
package protocol ResultSink {
    /// Takes one encoded row (`\n`-terminated) for the window starting at `windowStart` (epoch ms).
    mutating func write(row: [UInt8], windowStart: Int64) throws(ResultSinkError)
    /// Takes consecutive encoded rows at once (batch mode): row `k` is `bytes[ends[k - 1]..<ends[k]]`
    /// (from 0 for the first), for the window starting at `windowStarts[k]`. The same as writing
    /// them one by one with `write(row:windowStart:)`, which is what the default does.
    mutating func write(rows bytes: UnsafeRawBufferPointer, ends: UnsafeBufferPointer<Int>,
                        windowStarts: UnsafeBufferPointer<Int64>) throws(ResultSinkError)
    /// Hands everything pending to the kernel (called per row in streaming mode).
    mutating func flush() throws(ResultSinkError)
    /// Final flush (and fsync for files) at exit.
    mutating func finish() throws(ResultSinkError)
    /// Called once before any input is read: a sink that can fail on its destination (a foreign
    /// file, a missing folder) fails here rather than after the first row.
    mutating func prepare() throws(ResultSinkError)
    /// Rows not written because the destination already held their window.
    var windowsAlreadyPresent: Int { get }
}

extension ResultSink {
    package mutating func write(rows bytes: UnsafeRawBufferPointer, ends: UnsafeBufferPointer<Int>,
                                windowStarts: UnsafeBufferPointer<Int64>) throws(ResultSinkError) {
        var from = 0
        var row: [UInt8] = []
        for k in 0..<ends.count {
            row.removeAll(keepingCapacity: true)
            row.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[from..<ends[k]]))
            try write(row: row, windowStart: windowStarts[k])
            from = ends[k]
        }
    }

    package mutating func prepare() throws(ResultSinkError) {}
    package var windowsAlreadyPresent: Int { 0 }
}

/// Why output failed; `downstreamClosed` is a quiet, successful exit (DESIGN.md §6).
package enum ResultSinkError: ToolError, Sendable, Equatable {
    case downstreamClosed
    case io(path: String, operation: String, errno: Int32)
    /// An existing output file whose first line is not our header: left untouched.
    case foreignFile(path: String, firstLine: String)
    /// An existing CSV written before the `reason` column (thirteen columns): left untouched.

    package var description: String {
        switch self {
        case .downstreamClosed: return "downstream closed the pipe"
        case .io(let path, let operation, let code): return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        case .foreignFile(let path, let line):
            return "\(path): not a bnc-score results file of this format (its first line is \"\(line)\"); "
                + "refusing to append to it — choose a new --output, or pass --append-foreign"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .downstreamClosed: return .success
        case .io: return .ioError
        case .foreignFile: return .cannotCreate
        }
    }
}

