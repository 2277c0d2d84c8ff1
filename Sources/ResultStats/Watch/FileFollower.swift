import BNCCore
import BNCWire

/// Reads one input of `bnc-stats watch` line by line, without ever blocking: stdin, a file, or —
/// with `follow` — a file followed like `tail -F`, a daily pattern
/// (`DATA/window_results_%Y-%m-%d.csv`) or a folder (its newest dated `.csv` / `.ndjson`).
///
/// `pump` hands over every complete line that is available now and returns; the caller sleeps
/// between pumps (poll on stdin, or at most 200 ms) and so never spins. At the end of the data
/// a followed input checks, with one `stat`, whether the file was
/// - rotated (a newer name matches the pattern or folder): the new one is read from its start,
///   and the old one is handed over (`takeRetired`) to be followed a while longer — bnc-score
///   may still append a slower symbol's last windows of the old day after a faster symbol's first
///   window of the new day;
/// - re-created (same name, another inode): likewise;
/// - truncated (shorter than what was read): read again from the start;
/// - removed: waited for (the descriptor kept) until it comes back.
/// Each new file starts with `.newFile`, so the caller resets its header state. A line longer
/// than `WireLimits.maxLineLength` is skipped up to its newline (memory stays bounded).
package final class FileFollower {
    package enum Target: Sendable, Equatable {
        case standardInput
        case file(String)
        /// A path whose last component holds `%Y`, `%m`, `%d`.
        case pattern(String)
        case directory(String)

        /// What the argument names: `-` is stdin, `%Y`… a pattern, a folder a folder.
        package static func parse(_ argument: String) -> Target {
            if argument == "-" { return .standardInput }
            if argument.contains("%Y") || argument.contains("%m") || argument.contains("%d") { return .pattern(argument) }
            var info = stat()
            if stat(argument, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return .directory(argument) }
            return .file(argument)
        }
    }

    package enum Event {
        /// The next lines come from the start of `name` (a new, rotated, re-created or truncated file).
        case newFile(name: String, why: String)
        case line(UnsafeRawBufferPointer)
        /// A line over the length limit was skipped.
        case oversized(length: Int)
    }

    package let target: Target
    package let follow: Bool
    /// The file being read (its name as given/resolved), nil before one exists.
    package private(set) var currentPath: String?
    package private(set) var finished = false
    private var fd: Int32 = -1
    private var device: UInt64 = 0, inode: UInt64 = 0
    private var offset: Int64 = 0
    private var pending: [UInt8] = []
    private var discarding = false
    private var discardedLength = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    /// Line number within the current file (for diagnostics).
    package private(set) var lineNumber = 0
    /// The file left by the last rotation, still open at its read position, until taken.
    private var retired: FileFollower?
    /// When bytes last came in (monotonic ms).
    package private(set) var lastGrowth = MonotonicClock.nowMilliseconds()

    package init(_ target: Target, follow: Bool) {
        self.target = target
        self.follow = follow
    }

    deinit { if fd > 0 { close(fd) } }

    /// The file descriptor to wait on with `poll` (stdin), or nil for files (they are re-checked by time).
    package var pollDescriptor: Int32? {
        if case .standardInput = target, !finished { return 0 }
        return nil
    }

    /// Name for diagnostics.
    package var displayName: String {
        switch target {
        case .standardInput: return "<stdin>"
        case .file(let p), .pattern(let p), .directory(let p): return currentPath ?? p
        }
    }

    /// Reads what is there now; returns whether any bytes came in. Throws only for an input that
    /// cannot be opened without `follow` (with it, a missing file is waited for).
    @discardableResult
    package func pump(_ body: (Event) -> Void) throws(WatchError) -> Bool {
        guard !finished else { return false }
        if fd < 0 {
            guard try openNext(body) else { return false }
        }
        var progress = false
        while true {
            if try readAvailable(body) { progress = true }
            // End of the data for now.
            if case .standardInput = target {
                if fd == 0 { return progress }   // stdin has nothing more just now
                finishLast(body); finished = true; return progress
            }
            guard follow else {
                finishLast(body)
                close(fd); fd = -1
                finished = true
                return progress
            }
            // A rotated, re-created or truncated file: read on from its start at once.
            guard try checkRotation(body) else { return progress }
        }
    }

    /// Reads until the descriptor has nothing more now; for stdin, `fd` becomes -1 at its end.
    private func readAvailable(_ body: (Event) -> Void) throws(WatchError) -> Bool {
        var progress = false
        while true {
            if case .standardInput = target {
                var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
                let r = poll(&p, 1, 0)
                if r == 0 { return progress }
                if r < 0 { if errno == EINTR { return progress }; throw .readFailed(file: "<stdin>", reason: String(cString: strerror(errno))) }
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { return progress }
                if errno == EAGAIN { return progress }
                throw .readFailed(file: displayName, reason: String(cString: strerror(errno)))
            }
            if n == 0 {
                if case .standardInput = target { fd = -1 }
                return progress
            }
            progress = true
            lastGrowth = MonotonicClock.nowMilliseconds()
            offset += Int64(n)
            chunk.withUnsafeBytes { split(UnsafeRawBufferPointer(rebasing: $0[0..<n]), body) }
        }
    }

    /// At the end of the current data: a newer file, a re-created or a truncated one.
    /// Returns whether reading starts again (another file, or this one from its start).
    private func checkRotation(_ body: (Event) -> Void) throws(WatchError) -> Bool {
        let wanted = resolve()
        if let wanted, wanted != currentPath {
            if let old = currentPath {
                // The old file goes on being followed, from where this stopped, by a follower of its own.
                let successor = FileFollower(.file(old), follow: true)
                successor.fd = fd
                successor.device = device; successor.inode = inode; successor.offset = offset
                successor.pending = pending; successor.discarding = discarding; successor.discardedLength = discardedLength
                successor.lineNumber = lineNumber; successor.currentPath = old
                if let earlier = retired { earlier.stop { _ in } }
                retired = successor
                fd = -1
                pending = []
            } else {
                finishLast(body)
                close(fd); fd = -1
            }
            return try openPath(wanted, why: "rotated", body)
        }
        guard let path = currentPath else { return false }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }   // removed: wait for it
        if UInt64(info.st_dev) != device || UInt64(info.st_ino) != inode {
            finishLast(body)
            close(fd); fd = -1
            return try openPath(path, why: "re-created", body)
        } else if Int64(info.st_size) < offset {
            lseek(fd, 0, SEEK_SET)
            offset = 0
            pending.removeAll(keepingCapacity: true)
            discarding = false
            lineNumber = 0
            body(.newFile(name: path, why: "truncated"))
            return true
        }
        return false
    }

    /// The previous file after a rotation, once: the caller follows it (with the header state it
    /// had for this follower) until it has been quiet for a while, then `stop`s it.
    package func takeRetired() -> FileFollower? {
        defer { retired = nil }
        return retired
    }

    /// Stops following: an unterminated last line is handed over, the file closed.
    package func stop(_ body: (Event) -> Void) {
        guard !finished else { return }
        finishLast(body)
        if fd > 0 { close(fd) }
        fd = -1
        finished = true
    }

    /// Opens the first file of the target; false when it does not exist yet (follow mode).
    private func openNext(_ body: (Event) -> Void) throws(WatchError) -> Bool {
        if case .standardInput = target {
            fd = 0
            currentPath = nil
            return true
        }
        guard let path = resolve() else {
            if follow { return false }
            finished = true
            throw .cannotOpen(file: displayName, reason: "no file matches")
        }
        return try openPath(path, why: "opened", body)
    }

    private func openPath(_ path: String, why: String, _ body: (Event) -> Void) throws(WatchError) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if follow { return false }
            finished = true
            throw .cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        fstat(descriptor, &info)
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            finished = true
            throw .cannotOpen(file: path, reason: "is a folder (give --follow to follow its newest dated file)")
        }
        fd = descriptor
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        offset = 0
        pending.removeAll(keepingCapacity: true)
        discarding = false
        lineNumber = 0
        currentPath = path
        body(.newFile(name: path, why: why))
        return true
    }

    /// The file the target means now: the path itself, or the newest match of a pattern / folder.
    package func resolve() -> String? {
        switch target {
        case .standardInput: return nil
        case .file(let path): return path
        case .pattern(let pattern):
            let (dir, name) = Self.split(pattern)
            return Self.newest(in: dir) { Self.matches(Array($0.utf8), Array(name.utf8)) }
        case .directory(let dir):
            return Self.newest(in: dir) { n in
                (n.hasSuffix(".csv") || n.hasSuffix(".ndjson")) && Self.containsDate(Array(n.utf8))
            }
        }
    }

    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    /// The greatest matching name in `dir` (dated names sort by date), as a path.
    private static func newest(in dir: String, _ accept: (String) -> Bool) -> String? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var best: String?
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != "..", !name.hasPrefix("."), !name.hasSuffix(".tmp"), accept(name) else { continue }
            if best == nil || name > best! { best = name }
        }
        return best.map { dir == "/" ? "/" + $0 : dir + "/" + $0 }
    }

    /// `name` against a pattern where `%Y` is 4 digits, `%m` and `%d` 2, `*` anything.
    static func matches(_ name: [UInt8], _ pattern: [UInt8]) -> Bool {
        func digits(_ at: Int, _ n: Int) -> Bool {
            at + n <= name.count && name[at..<(at + n)].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        func go(_ i: Int, _ p: Int) -> Bool {
            if p == pattern.count { return i == name.count }
            if pattern[p] == UInt8(ascii: "%"), p + 1 < pattern.count {
                switch pattern[p + 1] {
                case UInt8(ascii: "Y"): return digits(i, 4) && go(i + 4, p + 2)
                case UInt8(ascii: "m"), UInt8(ascii: "d"): return digits(i, 2) && go(i + 2, p + 2)
                case UInt8(ascii: "%"): return i < name.count && name[i] == UInt8(ascii: "%") && go(i + 1, p + 2)
                default: break
                }
            }
            if pattern[p] == UInt8(ascii: "*") { return (i...name.count).contains { go($0, p + 1) } }
            return i < name.count && name[i] == pattern[p] && go(i + 1, p + 1)
        }
        return go(0, 0)
    }

    private static func containsDate(_ n: [UInt8]) -> Bool {
        guard n.count >= 10 else { return false }
        for s in 0...(n.count - 10) where matches(Array(n[s..<(s + 10)]), Array("%Y-%m-%d".utf8)) { return true }
        return false
    }

    /// Splits `bytes` into lines, keeping an incomplete last line for the next read.
    private func split(_ bytes: UnsafeRawBufferPointer, _ body: (Event) -> Void) {
        var start = 0
        while start < bytes.count {
            guard let nl = bytes[start...].firstIndex(of: 0x0A) else {
                append(UnsafeRawBufferPointer(rebasing: bytes[start...]), body)
                return
            }
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<nl])
            lineNumber += 1
            if discarding {
                body(.oversized(length: discardedLength + piece.count))
                discarding = false
            } else if pending.isEmpty {
                body(.line(piece))
            } else {
                append(piece, body)
                if discarding {
                    body(.oversized(length: discardedLength)); discarding = false
                } else {
                    pending.withUnsafeBytes { body(.line($0)) }
                }
                pending.removeAll(keepingCapacity: true)
            }
            start = nl + 1
        }
    }

    private func append(_ piece: UnsafeRawBufferPointer, _ body: (Event) -> Void) {
        if discarding { discardedLength += piece.count; return }
        if pending.count + piece.count > WireLimits.maxLineLength {
            discarding = true
            discardedLength = pending.count + piece.count
            pending.removeAll(keepingCapacity: false)
            return
        }
        pending.append(contentsOf: piece)
    }

    /// The data ended for good (or the file is left): an unterminated last line still counts.
    private func finishLast(_ body: (Event) -> Void) {
        if discarding {
            body(.oversized(length: discardedLength))
        } else if !pending.isEmpty {
            lineNumber += 1
            pending.withUnsafeBytes { body(.line($0)) }
        }
        pending.removeAll(keepingCapacity: true)
        discarding = false
    }
}
