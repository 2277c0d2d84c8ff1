import BNCCore
import BNCWire

/// `--output PATH`: rows appended to a file that survives restarts and crashes whole.
///
/// - The file is opened with `O_APPEND`; the header is written only when it is new or empty, so a
///   restarted collector never repeats it. If a previous writer died mid-row (the file does not end
///   in `\n`), a `\n` is appended first so that our rows stay parseable.
/// - Each `write` call carries whole rows only: one row per call while streaming; in batch mode rows
///   are gathered up to 64 KiB and still cut only at row ends. A crash can lose the rows not yet
///   written, never leave half of one.
/// - `%Y`, `%m`, `%d` in the path are the window's UTC date: a new file per day of window time
///   (`data/window_results_%Y-%m-%d.csv`). The old file is fsynced on rotation, the last one at exit.
/// - A non-empty file must be ours: its first line is the header of the format written (for
///   NDJSON, a row starting `{"timestamp":`). Another file (the original project's eight columns
///   under CSV, a log, a model) is left untouched and refused — unless `appendForeign`. A CSV file
///   begun by a bnc-score from before the `reason` column (13 columns) gets its rows in that
///   layout, so an upgraded collector goes on with the day's file (said once on stderr).
/// - Windows the file already holds (same symbol and start: `ExistingWindows`) are not written
///   again; `windowsAlreadyPresent` counts them.
package struct RotatingFileSink: ResultSink {
    package let pattern: String
    private let header: [UInt8]?
    private let rotates: Bool
    private let gatherLimit: Int
    private var fd: Int32 = -1
    private var currentDay: Int64 = .min
    private var currentPath = ""
    private var pending: [UInt8] = []
    /// The encoding of the rows (what a file's first line and its rows must look like); nil: any.
    private let format: ResultFormat?
    private let appendForeign: Bool
    private var existing: ExistingWindows?
    /// The current file has the 13 columns from before `reason`: rows are written without it.
    private var withoutReason = false
    /// Rows not written because their file already held that window.
    package private(set) var windowsAlreadyPresent = 0

    /// - Parameters:
    ///   - gather: batch mode; several rows per `write`.
    ///   - format: the rows' encoding; with it, an existing file's first line is checked and the
    ///     windows it holds are not written again.
    ///   - appendForeign: append even to a file whose first line is not our header.
    package init(pattern: String, header: String?, gather: Bool, format: ResultFormat? = nil, appendForeign: Bool = false) {
        self.pattern = pattern
        self.header = header.map { Array($0.utf8) }
        self.format = format
        self.appendForeign = appendForeign
        rotates = Self.isPattern(pattern)
        gatherLimit = gather ? 1 << 16 : 0
        pending.reserveCapacity(gatherLimit + 1024)
    }

    /// Whether `path` holds `%Y`, `%m` or `%d` (one file per UTC day).
    package static func isPattern(_ path: String) -> Bool {
        path.contains("%Y") || path.contains("%m") || path.contains("%d")
    }

    /// The path for a window starting at `ms` (epoch milliseconds, UTC).
    package static func path(pattern: String, windowStart ms: Int64) -> String {
        let t = UTCTime(epochMilliseconds: ms)
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return pattern.replacingAll("%Y", pad(t.year, 4)).replacingAll("%m", pad(t.month, 2)).replacingAll("%d", pad(t.day, 2))
    }

    package mutating func write(row: [UInt8], windowStart: Int64) throws(ResultSinkError) {
        let day = rotates ? Self.floorDiv(windowStart, 86_400_000) : 0
        if fd < 0 || day != currentDay {
            try flush()
            try closeCurrent()
            try open(path: rotates ? Self.path(pattern: pattern, windowStart: windowStart) : pattern)
            currentDay = day
        }
        if let existing, existing.contains(row: row) {
            windowsAlreadyPresent += 1
            return
        }
        if withoutReason {
            pending.append(contentsOf: ResultReason.droppingReasonColumn(row))
        } else {
            pending.append(contentsOf: row)
        }
        if pending.count > gatherLimit { try flush() }
    }

    package mutating func flush() throws(ResultSinkError) {
        guard fd >= 0, !pending.isEmpty else { return }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_nlink == 0 {
            // Someone deleted the file under us: writing on would lose every row silently.
            Diagnostics(tool: "bnc-score").report(currentPath, "output file was removed; creating it again")
            close(fd)
            fd = -1
            try open(path: currentPath)
        }
        try Self.writeAll(fd, pending, path: currentPath)
        pending.removeAll(keepingCapacity: true)
    }

    /// A single output file is opened (and checked) before any input is read.
    package mutating func prepare() throws(ResultSinkError) {
        guard !rotates, fd < 0 else { return }
        try open(path: pattern)
        currentDay = 0
    }

    package mutating func finish() throws(ResultSinkError) {
        if fd < 0, !rotates {
            // No rows at all: still create the file (with its header) so the run leaves a valid CSV.
            try open(path: pattern)
        }
        try flush()
        try closeCurrent()
    }

    private mutating func open(path: String) throws(ResultSinkError) {
        let descriptor = posixOpen(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw .io(path: path, operation: "stat", errno: code)
        }
        existing = nil
        withoutReason = false
        guard info.st_size > 0 else {
            fd = descriptor
            currentPath = path
            if let header { try Self.writeAll(descriptor, header, path: path) }
            return
        }
        let readFd = posixOpen(path, O_RDONLY | O_CLOEXEC)
        guard readFd >= 0 else {
            let code = errno
            close(descriptor)
            throw .io(path: path, operation: "open", errno: code)
        }
        defer { close(readFd) }
        if !appendForeign, let firstLine = Self.firstLine(readFd), !isOurs(firstLine: firstLine) {
            if format == .csv, firstLine == Array(ScoredResultColumn.csvHeaderWithoutReason.utf8) {
                withoutReason = true
                Diagnostics(tool: "bnc-score").report(path, "begun by an older bnc-score (13 columns, without reason): "
                                                      + "its rows are appended in that layout; a new file has the reason column")
            } else {
                close(descriptor)
                var shown = String(decoding: firstLine.prefix(80), as: UTF8.self)
                if firstLine.count > 80 { shown += "…" }
                throw .foreignFile(path: path, firstLine: shown)
            }
        }
        fd = descriptor
        currentPath = path
        // Terminate a row torn by a previous writer's crash so ours start on a fresh line.
        var last: UInt8 = 0
        let torn = pread(readFd, &last, 1, off_t(info.st_size - 1)) == 1 && last != UInt8(ascii: "\n")
        if let format {
            var windows = ExistingWindows(format: format)
            if let code = windows.load(readDescriptor: readFd, endsWithNewline: !torn) {
                throw .io(path: path, operation: "read", errno: code)
            }
            existing = windows
        }
        if torn { try Self.writeAll(descriptor, [UInt8(ascii: "\n")], path: path) }
    }

    /// The file's first line (without `\n`/`\r\n`; at most 64 KiB), read with `pread`.
    private static func firstLine(_ fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        var line = buffer[0..<n]
        if let newline = line.firstIndex(of: UInt8(ascii: "\n")) { line = line[..<newline] }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return Array(line)
    }

    /// Whether an existing file's first line is what this sink writes first: its header, or for
    /// a header-less encoding (NDJSON) one of our rows.
    private func isOurs(firstLine: [UInt8]) -> Bool {
        if let header { return firstLine == Array(header.prefix { $0 != UInt8(ascii: "\n") }) }
        if format == .ndjson { return firstLine.starts(with: Self.ndjsonRowStart) }
        return true
    }

    private static let ndjsonRowStart = Array(#"{"timestamp":"#.utf8)

    private mutating func closeCurrent() throws(ResultSinkError) {
        guard fd >= 0 else { return }
        let descriptor = fd
        fd = -1
        if fsync(descriptor) != 0, errno != EINVAL {
            let code = errno
            close(descriptor)
            throw .io(path: currentPath, operation: "fsync", errno: code)
        }
        close(descriptor)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(ResultSinkError) {
        let error: ResultSinkError? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                let code = n < 0 ? errno : EIO
                // Disk full mid-row: cut the file back to its last whole row (O_APPEND: we wrote the end).
                var torn = 0
                while torn < offset, raw[offset - 1 - torn] != UInt8(ascii: "\n") { torn += 1 }
                var info = stat()
                if torn > 0, fstat(fd, &info) == 0, info.st_size >= off_t(torn) { _ = ftruncate(fd, info.st_size - off_t(torn)) }
                return .io(path: path, operation: "write", errno: code)
            }
            return nil
        }
        if let error { throw error }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

@inline(__always) private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    path.withCString { open($0, flags, mode) }
}

@inline(__always) private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
