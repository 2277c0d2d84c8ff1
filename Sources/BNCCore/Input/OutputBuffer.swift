/// Why a write to an output descriptor failed.
public enum OutputError: ToolError, Equatable, Sendable {
    /// The reader of the pipe went away (`EPIPE`): DESIGN.md §6 says exit 0, quietly.
    case downstreamClosed
    /// Any other failure (disk full, descriptor closed, …): exit 74.
    case writeFailed(errno: Int32)

    public var description: String {
        switch self {
        case .downstreamClosed: return "downstream closed the pipe"
        case .writeFailed(let code): return "write failed: \(String(cString: strerror(code)))"
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .downstreamClosed: return .success
        case .writeFailed: return .ioError
        }
    }
}

/// A byte buffer in front of a file descriptor. Rows are appended whole and `flush()` hands them
/// to the kernel with as few `write` calls as possible; a row is never split across two flushes
/// unless it is larger than the buffer, so a reader on the other side of a pipe never sees a torn
/// line because of us.
///
/// Not thread-safe: one owner writes.
public final class OutputBuffer {
    public let fileDescriptor: Int32
    private var storage: [UInt8]
    private let flushThreshold: Int

    /// - Parameter flushThreshold: `append` flushes by itself once this many bytes are pending.
    public init(fileDescriptor: Int32 = 1, flushThreshold: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.flushThreshold = flushThreshold
        storage = []
        storage.reserveCapacity(flushThreshold + 4096)
    }

    public var pendingByteCount: Int { storage.count }

    public func append(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        storage.append(contentsOf: bytes)
        if storage.count >= flushThreshold { try flush() }
    }

    public func append(_ bytes: some Sequence<UInt8>) throws(OutputError) {
        storage.append(contentsOf: bytes)
        if storage.count >= flushThreshold { try flush() }
    }

    public func append(_ text: String) throws(OutputError) {
        var text = text
        text.withUTF8 { storage.append(contentsOf: $0) }
        if storage.count >= flushThreshold { try flush() }
    }

    /// Appends one byte without any check; pair with an explicit `flush()` or a later append.
    @inlinable public func appendByte(_ byte: UInt8) { appendRaw(byte) }

    @usableFromInline func appendRaw(_ byte: UInt8) { storage.append(byte) }

    /// Writes everything pending. Retries on `EINTR` and short writes.
    public func flush() throws(OutputError) {
        guard !storage.isEmpty else { return }
        let error: OutputError? = storage.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n >= 0 { offset += n; continue }
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    var fds = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&fds, 1, 1000)
                    continue
                }
                let code = errno
                if code != EPIPE { Self.removeTornTail(fileDescriptor, written: bytes[0..<offset]) }
                return code == EPIPE ? .downstreamClosed : .writeFailed(errno: code)
            }
            return nil
        }
        storage.removeAll(keepingCapacity: true)
        if let error { throw error }
    }

    /// After a failed write (disk full, quota) part of a row may have reached a regular file: cut
    /// the file back to the last whole row, so what stays written is whole rows only. Pipes and
    /// terminals cannot be cut back; there the reader sees the stream end mid-row.
    private static func removeTornTail(_ fd: Int32, written: Slice<UnsafeRawBufferPointer>) {
        guard !written.isEmpty else { return }
        var torn = 0
        var i = written.endIndex
        while i > written.startIndex, written[i - 1] != UInt8(ascii: "\n") { torn += 1; i -= 1 }
        guard torn > 0 else { return }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        let position = lseek(fd, 0, SEEK_CUR)
        guard position >= off_t(torn) else { return }
        _ = ftruncate(fd, position - off_t(torn))
    }
}
