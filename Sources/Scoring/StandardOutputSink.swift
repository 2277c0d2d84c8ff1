import BNCCore

/// Rows to stdout through `OutputBuffer` (whole rows per write; EPIPE → quiet exit).
package struct StandardOutputSink: ResultSink {
    private let buffer: OutputBuffer
    private var headerPending: String?

    /// - Parameter header: written once before the first row (CSV), or at `finish` if there were no rows.
    package init(header: String?, fileDescriptor: Int32 = 1) {
        buffer = OutputBuffer(fileDescriptor: fileDescriptor)
        headerPending = header
    }

    package mutating func write(row: [UInt8], windowStart: Int64) throws(ResultSinkError) {
        do {
            if let header = headerPending {
                headerPending = nil
                try buffer.append(header)
            }
            try buffer.append(row)
        } catch { throw Self.map(error) }
    }

    /// The rows in one append: stdout needs no row-by-row routing.
    package mutating func write(rows bytes: UnsafeRawBufferPointer, ends: UnsafeBufferPointer<Int>,
                                windowStarts: UnsafeBufferPointer<Int64>) throws(ResultSinkError) {
        guard !ends.isEmpty else { return }
        do {
            if let header = headerPending {
                headerPending = nil
                try buffer.append(header)
            }
            try buffer.append(UnsafeRawBufferPointer(rebasing: bytes[0..<ends[ends.count - 1]]))
        } catch { throw Self.map(error) }
    }

    package mutating func flush() throws(ResultSinkError) {
        do { try buffer.flush() } catch { throw Self.map(error) }
    }

    package mutating func finish() throws(ResultSinkError) {
        do {
            if let header = headerPending {
                headerPending = nil
                try buffer.append(header)
            }
            try buffer.flush()
        } catch { throw Self.map(error) }
    }

    private static func map(_ error: OutputError) -> ResultSinkError {
        switch error {
        case .downstreamClosed: return .downstreamClosed
        case .writeFailed(let code): return .io(path: "<stdout>", operation: "write", errno: code)
        }
    }
}
