#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a file descriptor into lines, reading in large chunks and handing each line out as a
/// borrowed byte buffer: no `String` and no allocation per line, and no byte scanned twice.
/// The splitting itself is `LineSplitter`'s (shared with readers whose bytes arrive in pushed
/// chunks, such as zip entries); this type adds the `read` loop.
///
/// A trailing `\r` is stripped (CRLF input), and a last line without `\n` is still a line.
/// A line longer than `maxLineLength` is not buffered: its bytes are skipped up to the next `\n`
/// and it is reported as `.oversized`, so one runaway line cannot blow up memory.
public struct LineReader: ~Copyable {
    public typealias Line = LineSplitter.Line

    public let fileDescriptor: Int32
    public let maxLineLength: Int
    private let chunkSize: Int
    private let buffer: UnsafeMutableRawBufferPointer
    private var splitter: LineSplitter
    /// Lines delivered so far (1-based number of the last one).
    public var lineNumber: Int { splitter.lineNumber }
    /// Bytes read from the descriptor so far.
    public private(set) var bytesRead = 0

    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 20, maxLineLength: Int = 1 << 20) {
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
    @discardableResult
    public mutating func forEachLine(
        _ body: (Line, _ lineNumber: Int) throws -> Bool
    ) throws -> Bool {
        let base = buffer.baseAddress!
        while true {
            let n = read(fileDescriptor, base, chunkSize)
            if n < 0 {
                if errno == EINTR {
                    if SignalTrap.stopRequested { return false }
                    continue
                }
                throw LineReaderError.readFailed(errno: errno)
            }
            if n == 0 { break }
            bytesRead += n
            if try !splitter.push(UnsafeRawBufferPointer(start: base, count: n), body) { return false }
        }
        // End of input: a last line without '\n'.
        return try splitter.finish(body)
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
