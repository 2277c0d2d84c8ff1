import BNCCore
import BNCWire

/// Why a replay stopped.
package enum ReplayError: ToolError, Sendable {
    /// An input could not be opened (BNCCore's error, which names the path).
    case open(InputFileError)
    /// An input could not be read.
    case read(path: String, LineReaderError)
    /// gzip or zstd bytes: the replay reads plain NDJSON; decompress in front of it.
    case compressed(path: String, tool: String)
    /// `--strict`: the first line that is not a trade ends the run.
    case malformedLine(location: String, line: Int, reason: String)
    case output(OutputError)

    package var description: String {
        switch self {
        case .open(let error): return error.description
        case .read(let path, let error): return "\(path): \(error)"
        case .compressed(let path, let tool):
            return "\(path): compressed input; decompress it in front: \(tool) '\(path)' | bnc-stream replay"
        case .malformedLine(let location, let line, let reason): return "\(location):\(line): \(reason) (--strict)"
        case .output(let error): return error.description
        }
    }

    package var exitStatus: ExitStatus {
        switch self {
        case .open(let error): return error.exitStatus
        case .read(_, let error): return error.exitStatus
        case .compressed, .malformedLine: return .dataError
        case .output(.downstreamClosed): return .success
        case .output: return .ioError
        }
    }
}

/// What a replay wrote.
package struct ReplaySummary: Sendable, Equatable {
    package var lines = 0
    package var malformedLines = 0
    package var stopped = false
    package init() {}
}

/// Replays recorded trade lines (NDJSON, plain) in the order given, each line passed through
/// byte for byte, paced by its exchange trade time `T` (see `Pacer`). Lines that carry no
/// readable `T` are not trades (DESIGN.md §1): they are skipped and counted, or end the run
/// with `strict`. When pacing, every line is flushed the moment it is due.
package final class Replayer {
    package let output: OutputBuffer
    package let diagnostics: Diagnostics
    package let strict: Bool
    package let reportLimit: Int
    package private(set) var summary = ReplaySummary()
    private var pacer: Pacer
    /// Below `OutputBuffer`'s default flush threshold, so an `append` never flushes half a line.
    static let flushBefore = 1 << 15

    package init(speed: Double, output: OutputBuffer, strict: Bool = false, reportLimit: Int = 5,
                diagnostics: Diagnostics = Diagnostics(tool: "bnc-stream")) {
        pacer = Pacer(speed: speed)
        self.output = output
        self.strict = strict
        self.reportLimit = reportLimit
        self.diagnostics = diagnostics
    }

    /// Replays `inputs` as one timeline; the output is flushed at the end.
    @discardableResult
    package func replay(_ inputs: [InputFile]) throws(ReplayError) -> ReplaySummary {
        for input in inputs {
            let finished = SignalTrap.stopRequested ? false : try replay(input)
            if !finished {
                summary.stopped = true
                break
            }
        }
        do { try output.flush() } catch { throw .output(error) }
        return summary
    }

    private func replay(_ input: InputFile) throws(ReplayError) -> Bool {
        let fd: Int32
        do { fd = try input.open() } catch { throw .open(error) }
        defer { if fd != 0 { close(fd) } }
        if !input.isStandardInput, let tool = Self.decompressor(fd) { throw .compressed(path: input.path, tool: tool) }
        var log = MalformedLineLog(location: input.displayName, diagnostics: diagnostics, reportLimit: reportLimit)
        defer {
            summary.malformedLines += log.count
            log.reportTotal()
        }
        var reader = LineReader(fileDescriptor: fd, maxLineLength: WireLimits.maxLineLength)
        do throws(LineInputError<ReplayError>) {
            return try reader.forEachLine { line, number throws(ReplayError) in try self.handle(line, number, &log) }
        } catch {
            switch error {
            case .body(let error): throw error
            case .read(let error): throw .read(path: input.path, error)
            case .open(let error): throw .open(error)
            }
        }
    }

    private func handle(_ line: LineSplitter.Line, _ number: Int, _ log: inout MalformedLineLog) throws(ReplayError) -> Bool {
        let bytes: UnsafeRawBufferPointer
        switch line {
        case .oversized(let length):
            try reject("line of \(length) bytes is too long", number, &log)
            return !SignalTrap.stopRequested
        case .text(let text):
            bytes = text
        }
        if bytes.isEmpty { return true }
        switch TradeTime.read(bytes) {
        case .failure(let failure):
            try reject(failure.description, number, &log)
            return !SignalTrap.stopRequested
        case .success(let time):
            if pacer.isPacing {
                if !pacer.wait(untilExchangeTime: time) { return false }
            } else if number & 0xFFF == 0, SignalTrap.stopRequested {
                return false
            }
        }
        do {
            // Keep the line and its newline in one flush: make room first if needed.
            if output.pendingByteCount + bytes.count + 1 >= Self.flushBefore { try output.flush() }
            try output.append(bytes)
            output.appendByte(0x0A)
            if pacer.isPacing { try output.flush() }
        } catch {
            throw .output(error)
        }
        summary.lines += 1
        return true
    }

    private func reject(_ reason: String, _ number: Int, _ log: inout MalformedLineLog) throws(ReplayError) {
        if strict {
            summary.malformedLines += 1
            throw .malformedLine(location: log.location, line: number, reason: reason)
        }
        log.record(line: number, reason)
    }

    /// `zcat`/`zstdcat` when the file starts with gzip or zstd magic bytes.
    static func decompressor(_ fd: Int32) -> String? {
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress!, 4, 0) }
        if n >= 2, magic.0 == 0x1F, magic.1 == 0x8B { return "zcat" }
        if n == 4, magic == (0x28, 0xB5, 0x2F, 0xFD) { return "zstdcat" }
        return nil
    }
}
