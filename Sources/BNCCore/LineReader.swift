#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a file descriptor into lines, reading in large chunks and handing each line out as a
/// borrowed byte buffer: no `String` and no allocation per line, and no byte scanned twice
/// (a partial line at the end of a chunk is moved to the front and the search for `\n` resumes
/// where it stopped).
///
/// A trailing `\r` is stripped (CRLF input), and a last line without `\n` is still a line.
/// A line longer than `maxLineLength` is not buffered: its bytes are skipped up to the next `\n`
/// and it is reported as `.oversized`, so one runaway line cannot blow up memory.
public struct LineReader: ~Copyable {
    public enum Line {
        /// The line's bytes, without `\n` or a trailing `\r`; valid only inside the callback.
        case text(UnsafeRawBufferPointer)
        /// A line that exceeded the cap; `length` counts its bytes.
        case oversized(length: Int)
    }

    public let fileDescriptor: Int32
    public let maxLineLength: Int
    private let chunkSize: Int
    private let buffer: UnsafeMutableRawBufferPointer
    /// Lines delivered so far (1-based number of the last one).
    public private(set) var lineNumber = 0
    /// Bytes read from the descriptor so far.
    public private(set) var bytesRead = 0

    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 20, maxLineLength: Int = 1 << 20) {
        precondition(chunkSize > 0 && maxLineLength > 0)
        self.fileDescriptor = fileDescriptor
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        buffer = .allocate(byteCount: chunkSize + maxLineLength + 1, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` for every line until end of input, or until `body` returns false, or until
    /// SIGINT/SIGTERM interrupts a read (see `SignalTrap`). Returns false if stopped early.
    @discardableResult
    public mutating func forEachLine(
        _ body: (Line, _ lineNumber: Int) throws -> Bool
    ) throws -> Bool {
        let base = buffer.baseAddress!
        var start = 0        // first byte of the current (unfinished) line
        var scanned = 0      // bytes before this offset contain no '\n' past `start`
        var end = 0          // bytes valid in buffer
        var discarding = false
        var discardedLength = 0
        while true {
            // Read a chunk behind what is buffered.
            if end == buffer.count {
                // Only possible while discarding; keep the buffer at the line cap.
                end = 0; start = 0; scanned = 0
            }
            let want = min(chunkSize, buffer.count - end)
            let n = read(fileDescriptor, base + end, want)
            if n < 0 {
                if errno == EINTR {
                    if SignalTrap.stopRequested { return false }
                    continue
                }
                throw LineReaderError.readFailed(errno: errno)
            }
            if n == 0 { break }
            bytesRead += n
            end += n
            // Emit every complete line in the buffered bytes.
            while scanned < end {
                guard let hit = memchr(base + scanned, 0x0A, end - scanned) else {
                    scanned = end
                    break
                }
                let newline = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                lineNumber += 1
                if discarding {
                    discarding = false
                    let length = discardedLength + (newline - start)
                    discardedLength = 0
                    start = newline + 1
                    scanned = start
                    if try !body(.oversized(length: length), lineNumber) { return false }
                    continue
                }
                let lineStart = start
                let length = newline - lineStart
                start = newline + 1
                scanned = start
                if length > maxLineLength {
                    if try !body(.oversized(length: length), lineNumber) { return false }
                    continue
                }
                var lineEnd = newline
                if length > 0, base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                let line = UnsafeRawBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
                if try !body(.text(line), lineNumber) { return false }
            }
            // Keep the unfinished line; move it to the front so the next read has room.
            let pending = end - start
            if discarding || pending > maxLineLength {
                if !discarding { discarding = true; discardedLength = 0 }
                discardedLength += pending
                start = 0; end = 0; scanned = 0
            } else if start > 0 {
                if pending > 0 { memmove(base, base + start, pending) }
                scanned -= start
                start = 0
                end = pending
            }
        }
        // End of input: a last line without '\n'.
        if discarding {
            lineNumber += 1
            return try body(.oversized(length: discardedLength + (end - start)), lineNumber)
        }
        if end > start {
            lineNumber += 1
            var lineEnd = end
            if base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
            return try body(.text(UnsafeRawBufferPointer(start: base + start, count: lineEnd - start)), lineNumber)
        }
        return true
    }
}

public enum LineReaderError: Error, CustomStringConvertible, Sendable {
    case readFailed(errno: Int32)

    public var description: String {
        switch self {
        case .readFailed(let code): return "read failed: \(String(cString: strerror(code)))"
        }
    }
}
