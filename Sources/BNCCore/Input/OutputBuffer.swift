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
/// Not thread-safe: one owner writes. Several buffers on one descriptor (one per thread) share
/// an `OutputLock`: each then writes only whole lines, under the lock, so lines never interleave.
public final class OutputBuffer {
    public let fileDescriptor: Int32
    private var storage: [UInt8]
    private let flushThreshold: Int
    /// Set when other buffers write to the same descriptor from other threads.
    private let shared: OutputLock?

    /// - Parameter flushThreshold: `append` flushes by itself once this many bytes are pending.
    /// - Parameter shared: the lock of every buffer writing to `fileDescriptor` from other threads;
    ///   with it, `flush()` writes only up to the last newline (a partial line waits for its end).
    public init(fileDescriptor: Int32 = 1, flushThreshold: Int = 1 << 16, sharedWith shared: OutputLock? = nil) {
        self.fileDescriptor = fileDescriptor
        self.flushThreshold = flushThreshold
        self.shared = shared
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
        guard let shared else { return try writePending(count: storage.count) }
        var end = storage.count
        while end > 0, storage[end - 1] != UInt8(ascii: "\n") { end -= 1 }
        guard end > 0 else { return }
        shared.lock()
        defer { shared.unlock() }
        try writePending(count: end)
    }

    /// Writes the first `count` pending bytes and drops them from the buffer.
    private func writePending(count: Int) throws(OutputError) {
        let error: OutputError? = storage.withUnsafeBytes { all in
            let bytes = UnsafeRawBufferPointer(rebasing: all[0..<count])
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
        if count == storage.count { storage.removeAll(keepingCapacity: true) } else { storage.removeFirst(count) }
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

/// The lock that buffers writing to one descriptor from several threads share (see `OutputBuffer`).
public final class OutputLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
