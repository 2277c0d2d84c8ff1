/// Splits a file descriptor into lines, reading in large chunks and handing each line out as a
/// borrowed byte buffer: no `String` and no allocation per line, and no byte scanned twice.
/// The splitting itself is `LineSplitter`'s (shared with readers whose bytes arrive in pushed
/// chunks, such as zip entries); this type adds the `read` loop.
///
/// A trailing `\r` is stripped (CRLF input), and a last line without `\n` is still a line.
/// A line longer than `maxLineLength` is not buffered: its bytes are skipped up to the next `\n`
/// and it is reported as `.oversized`, so one runaway line cannot blow up memory.
package struct LineReader: ~Copyable {
    package typealias Line = LineSplitter.Line

    package let fileDescriptor: Int32
    package let maxLineLength: Int
    private let chunkSize: Int
    private let buffer: UnsafeMutableRawBufferPointer
    private var splitter: LineSplitter
    /// Lines delivered so far (1-based number of the last one).
    package var lineNumber: Int { splitter.lineNumber }
    /// Bytes read from the descriptor so far.
    package private(set) var bytesRead = 0

    package init(fileDescriptor: Int32, chunkSize: Int = 1 << 20, maxLineLength: Int) {
        precondition(chunkSize > 0 && maxLineLength > 0)
        self.fileDescriptor = fileDescriptor
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        buffer = .allocate(byteCount: chunkSize, alignment: 16)
        splitter = LineSplitter(maxLineLength: maxLineLength)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` for every line until end of input, or until `body` returns false, or until
    /// SIGINT/SIGTERM interrupts a read (see `SignalTrap`). Returns false if stopped early.
    ///
    /// What `body` throws comes out unchanged as `.body(error)`, a failed `read` as `.read`:
    /// a caller's own error type survives the loop, with no captured variable to carry it.
    @discardableResult
    package mutating func forEachLine<E: Error>(
        _ body: (Line, _ lineNumber: Int) throws(E) -> Bool
    ) throws(LineInputError<E>) -> Bool {
        try forEachChunk({ (splitter, chunk) throws(E) in try splitter.push(chunk, body) }, body)
    }

    /// Like `forEachLine(_:)`, but each line is first offered to `claim`, which may parse and
    /// consume it in place (see `LineSplitter.push(_:claiming:_:)`); the lines it leaves go to
    /// `body`.
    @discardableResult
    package mutating func forEachLine<E: Error>(
        claiming claim: (_ start: UnsafeRawPointer, _ available: Int) throws(E) -> LineSplitter.Claim,
        _ body: (Line, _ lineNumber: Int) throws(E) -> Bool
    ) throws(LineInputError<E>) -> Bool {
        try forEachChunk({ (splitter, chunk) throws(E) in try splitter.push(chunk, claiming: claim, body) }, body)
    }

    /// The read (or map) loop: `feed` pushes each chunk into the splitter, `body` gets the last
    /// line if the input does not end with `\n`.
    @inline(__always)
    private mutating func forEachChunk<E: Error>(
        _ feed: (inout LineSplitter, UnsafeRawBufferPointer) throws(E) -> Bool,
        _ body: (Line, _ lineNumber: Int) throws(E) -> Bool
    ) throws(LineInputError<E>) -> Bool {
        do throws(E) {
            if chunkSize >= LineReader.mappingThreshold, let finished = try forEachMappedLine(feed), !finished {
                return false
            }
        } catch {
            throw .body(error)
        }
        let base = buffer.baseAddress!
        while true {
            let n = read(fileDescriptor, base, chunkSize)
            if n < 0 {
                if errno == EINTR {
                    if SignalTrap.stopRequested { return false }
                    continue
                }
                throw .read(.readFailed(errno: errno))
            }
            if n == 0 { break }
            bytesRead += n
            do throws(E) {
                if try !feed(&splitter, UnsafeRawBufferPointer(start: base, count: n)) { return false }
            } catch {
                throw .body(error)
            }
        }
        // End of input: a last line without '\n'.
        do throws(E) { return try splitter.finish(body) } catch { throw .body(error) }
    }

    /// Regular files at least this large a chunk are read through a sliding memory map instead
    /// of `read`: lines are handed out straight from the page cache, without copying every byte
    /// into our buffer (the copy is a sixth of bnc-window's time). Small chunk sizes keep `read`,
    /// so tests can still cut the input at every byte.
    package static let mappingThreshold = 1 << 16
    /// Bytes mapped at a time; mapped pages are resident, so this bounds what the map adds to RSS.
    static let mappingWindow = 8 << 20

    /// Feeds the rest of a regular file to the splitter from a sliding map. Returns nil when the
    /// descriptor is not a mappable regular file (then nothing was consumed), false when `body`
    /// stopped, true at the end of what the file held when we looked; the file offset is left
    /// after the bytes consumed, so the `read` loop picks up anything appended meanwhile.
    /// (As with any map, truncating the file while it is being read is not supported.)
    private mutating func forEachMappedLine<E: Error>(
        _ feed: (inout LineSplitter, UnsafeRawBufferPointer) throws(E) -> Bool
    ) throws(E) -> Bool? {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let start = Int(lseek(fileDescriptor, 0, SEEK_CUR))
        let size = Int(info.st_size)
        guard start >= 0, size > start else { return nil }
        let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        let window = max(LineReader.mappingWindow / page, 1) * page
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        var offset = start
        while offset < size {
            let mapStart = offset / page * page
            let mapLength = min(window, size - mapStart)
            guard let mapped = mmap(nil, mapLength, PROT_READ, flags, fileDescriptor, off_t(mapStart)),
                  mapped != MAP_FAILED
            else {
                // Not mappable after all: continue with `read` from here.
                lseek(fileDescriptor, off_t(offset), SEEK_SET)
                return offset == start ? nil : true
            }
            var position = offset - mapStart
            var keepGoing = true
            do throws(E) {
                while position < mapLength && keepGoing {
                    let n = min(chunkSize, mapLength - position)
                    bytesRead += n
                    keepGoing = try feed(&splitter, UnsafeRawBufferPointer(start: mapped + position, count: n))
                    position += n
                }
            } catch {
                munmap(mapped, mapLength)
                lseek(fileDescriptor, off_t(mapStart + position), SEEK_SET)
                throw error
            }
            munmap(mapped, mapLength)
            offset = mapStart + position
            if !keepGoing {
                lseek(fileDescriptor, off_t(offset), SEEK_SET)
                return false
            }
        }
        lseek(fileDescriptor, off_t(offset), SEEK_SET)
        return true
    }
}

/// Why reading a descriptor failed.
package enum LineReaderError: ToolError, Sendable, Equatable {
    case readFailed(errno: Int32)

    package var description: String {
        switch self {
        case .readFailed(let code): return "read failed: \(String(cString: strerror(code)))"
        }
    }

    package var exitStatus: ExitStatus { .ioError }
}

/// Why a line loop over an input ended early: the input could not be opened or read, or the
/// caller's callback threw `Failure` (passed through unchanged, typed).
package enum LineInputError<Failure: Error>: Error {
    case open(InputFileError)
    case read(LineReaderError)
    case body(Failure)
}

extension LineInputError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .open(let error): return error.description
        case .read(let error): return error.description
        case .body(let error): return String(describing: error)
        }
    }
}

extension LineInputError: ToolError where Failure: ToolError {
    package var exitStatus: ExitStatus {
        switch self {
        case .open(let error): return error.exitStatus
        case .read(let error): return error.exitStatus
        case .body(let error): return error.exitStatus
        }
    }
}
