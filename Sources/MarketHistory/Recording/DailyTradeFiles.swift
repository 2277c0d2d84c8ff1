import BNCCore
import Synchronization
import BNCWire

/// Appends trade lines (DESIGN.md §1) to one file per symbol and exchange day,
/// `DIR/SYMBOL-YYYY-MM-DD.ndjson`, the day taken from the trade time `T` (UTC). This is what
/// `bnc-stream record` and `pipelines/record.sh` are built on.
///
/// Guarantees a caller can rely on:
/// - every accepted line reaches its file whole, with a single `write` of the line and its `\n`
///   on a descriptor opened with `O_APPEND`; if a write fails part-way the partial bytes are cut
///   off again, so a file never ends in a torn line;
/// - a line written in a combined-stream envelope (`{"stream":…,"data":{…}}`) is stored as its
///   `data` object, byte for byte: recordings hold exactly what Binance sent as the trade payload;
/// - a file is `fsync`ed when its day is closed (rotation), and every open file at `finish()`;
///   the directory is `fsync`ed when a file is created, renamed or removed;
/// - a day is *closed* once any trade at or after the next midnight plus `closeAfter` arrives
///   (trades of the old day can still trickle in during that grace, e.g. from a backfill); at
///   `finish()` a day whose end plus the grace lies before the wall clock is closed too;
/// - with compression, a closed day's file is compressed by a child process (`zstd` or `gzip`,
///   spawned with a fixed argument vector, no shell) in the background into a temporary file that
///   is fsynced and renamed over `SYMBOL-DAY.ndjson.zst` (`.gz`) before the plain file is removed.
///   A line for an already compressed day (very late) goes to a fresh plain file that is later
///   compressed as one more frame appended to the existing archive (zstd and gzip both decode a
///   concatenation of frames as the concatenation of their contents);
/// - a trade is stored once per file: when a daily file that already exists is opened (a rerun
///   over the same trades, a restarted recorder), its trade ids (`t`, or `a` for aggTrade, kept
///   apart) are read once, and a line whose id the file already holds — or that this run already
///   wrote — is not written again but counted in `statistics.duplicatesSkipped`. New ids, late
///   lower ones included, are written. Ids are kept as runs of consecutive ids (`TradeIDRuns`),
///   a few per day. A line without a readable id (no `e`, say) cannot be matched and is written;
/// - an existing file whose last line has no `\n` (torn by a crash of an earlier writer) has that
///   partial line cut off before anything is appended, with a note on stderr: the torn bytes are
///   no trade, the file stays whole, and the trade is written again when it arrives;
/// - a day already compressed by an earlier run (`.ndjson.zst`/`.gz`) has its ids read back through
///   `zstd -qdc`/`gzip -dc` on a pipe; when that fails a note on stderr says the day's trades are
///   not all checked (`statistics.archivedDaysUnchecked`). New lines go to the plain file as for
///   any late line. Days compressed by this run are remembered, not decompressed.
///
/// Lines without a usable symbol and trade time are not placed; `append` says why so the caller
/// can count and report them. Not thread-safe: one owner calls it.
package final class DailyTradeFiles {
    /// How closed days are compressed.
    package enum Compression: String, CaseIterable, Sendable {
        case zstd, gzip

        /// The archive suffix added to `.ndjson`.
        package var fileExtension: String { self == .zstd ? ".zst" : ".gz" }

        /// The program run to compress one file to stdout.
        package var program: String { rawValue }

        func arguments(for path: String) -> [String] {
            switch self {
            case .zstd: return ["zstd", "-q", "-c", "--", path]
            case .gzip: return ["gzip", "-c", "--", path]
            }
        }

        /// Whether the program is found on `PATH`.
        package var isAvailable: Bool {
            let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
            return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
        }
    }

    /// What became of one input line.
    package enum Outcome: Equatable, Sendable {
        case written
        /// A trade whose id its daily file already holds (from an earlier run or this one): not written.
        case duplicate
        /// Not a placeable trade line; the reason is for diagnostics.
        case skipped(reason: String)
        /// A `bnc.heartbeat` line of the live feed (formats.md §1): kept out of the recording, so
        /// recordings stay Binance's payloads only; `record --tee` still passes it on.
        case heartbeat
    }

    /// Running totals, for the summary line and for tests.
    package struct Statistics: Sendable, Equatable {
        package var linesWritten = 0
        package var linesSkipped = 0
        /// Heartbeat lines left out (not counted as skipped: they are expected in a live stream).
        package var heartbeats = 0
        /// Lines that arrived for a day already closed (written anyway).
        package var lateLines = 0
        package var filesOpened = 0
        package var daysClosed = 0
        package var filesCompressed = 0
        package var compressionFailures = 0
        /// Trades not written because their file already held their id.
        package var duplicatesSkipped = 0
        /// Torn last lines of existing files that were cut off before appending.
        package var tornTailsCut = 0
        /// Days compressed by an earlier run whose archive could not be read back in full.
        package var archivedDaysUnchecked = 0
    }

    package let directory: String
    package let compression: Compression?
    package let closeAfterMilliseconds: Int64
    package private(set) var statistics = Statistics()

    private static let dayMilliseconds: Int64 = 86_400_000

    private struct OpenDay {
        var symbol: [UInt8]
        var day: Int64
        var fd: Int32
        var path: String
        var deadline: Int64
        var known: KnownIDs
    }

    /// The ids a daily file holds, trades and aggTrades apart (their numbering is separate).
    private struct KnownIDs {
        var trades = TradeIDRuns()
        var aggTrades = TradeIDRuns()

        /// Adds the id; false when it was held already.
        mutating func insert(_ id: TradeID) -> Bool {
            id.aggregate ? aggTrades.insert(id.value) : trades.insert(id.value)
        }
    }

    private struct PendingCompression {
        var pid: pid_t
        var plainPath: String
        var finalPath: String
        var temporaryPath: String
        var temporaryFD: Int32
    }

    private var openDays: [OpenDay] = []
    private var lastHit = 0
    private var earliestDeadline = Int64.max
    private var closedPaths: Set<String> = []
    /// The ids of the days closed in this run, for a late line that reopens one.
    private var closedIDs: [String: KnownIDs] = [:]
    private var pending: [PendingCompression] = []
    private var lineBuffer: [UInt8] = []
    private let diagnostics: Diagnostics
    private let wallClockMilliseconds: () -> Int64
    /// Holds `DIR/.lock` locked while this object lives.
    private var lockFD: Int32 = -1

    /// - Parameters:
    ///   - directory: created (with parents) if missing.
    ///   - closeAfterMilliseconds: the grace after midnight before a day counts as closed.
    ///   - wallClockMilliseconds: only used by `finish()` to decide whether the last days are over.
    package init(
        directory: String, compression: Compression? = nil, closeAfterMilliseconds: Int64 = 300_000,
        diagnostics: Diagnostics = Diagnostics(tool: "bnc-stream"),
        wallClockMilliseconds: @escaping () -> Int64 = MonotonicClock.wallClockMilliseconds
    ) throws(DailyTradeFilesError) {
        self.directory = directory.isEmpty ? "." : directory
        self.compression = compression
        self.closeAfterMilliseconds = max(0, closeAfterMilliseconds)
        self.diagnostics = diagnostics
        self.wallClockMilliseconds = wallClockMilliseconds
        lineBuffer.reserveCapacity(4096)
        try Self.makeDirectory(self.directory)
        lockFD = try Self.lockDirectory(self.directory)
    }

    deinit {
        for entry in openDays { close(entry.fd) }
        Self.heldHere.withLock { _ = $0.remove(directory) }
        close(lockFD)
    }

    /// The directories this process's recorders hold. A lock that `flock` refuses with our own
    /// pid in the file while no recorder here holds it is one we just released whose descriptor a
    /// child being spawned still shares until it execs (fork copies descriptors, `O_CLOEXEC` only
    /// closes them at exec): it is retried briefly instead of being taken for a second recorder.
    private static let heldHere = Mutex<Set<String>>([])

    /// The file in the directory whose `flock` says a recorder owns it. It stays (holding the
    /// owner's pid, for the message to a second recorder); the lock goes with the descriptor,
    /// so a recorder that dies — even by SIGKILL — leaves no stale lock.
    package static let lockFileName = ".lock"

    /// Takes the directory's lock (`flock(LOCK_EX | LOCK_NB)` on `DIR/.lock`): two recorders
    /// appending to the same daily files would store every trade twice, so the second is refused
    /// at once rather than waiting.
    private static func lockDirectory(_ directory: String) throws(DailyTradeFilesError) -> Int32 {
        let path = directory + "/" + lockFileName
        let fd = path.withCString { openFile($0, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0, errno == EWOULDBLOCK, attempts < 200,
              Self.ownerPID(fd) == getpid(), !heldHere.withLock({ $0.contains(directory) }) {
            attempts += 1
            usleep(10_000)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let owner = code == EWOULDBLOCK ? Self.ownerPID(fd) : nil
            close(fd)
            if code == EWOULDBLOCK { throw .directoryInUse(path: directory, ownerPID: owner) }
            throw .cannotOpen(path: path, errno: code)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) } }
        heldHere.withLock { _ = $0.insert(directory) }
        return fd
    }

    /// The pid the lock's holder wrote into the lock file, if any.
    private static func ownerPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 24)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n].prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }

    /// The file name a trade of `symbol` at `epochMilliseconds` goes to (without the directory).
    package static func fileName(symbol: String, epochMilliseconds: Int64) -> String {
        "\(symbol.uppercased())-\(UTCTime(epochMilliseconds: epochMilliseconds).dateString).ndjson"
    }

    // MARK: Appending

    /// Places one line (without its `\n`). Throws only on file errors, after which the recording
    /// cannot go on safely.
    @discardableResult
    package func append(line: UnsafeRawBufferPointer) throws(DailyTradeFilesError) -> Outcome {
        reapFinished()
        let parsed: ParsedLine
        do {
            parsed = try ParsedLine(line)
        } catch {
            if HeartbeatLine.isHeartbeat(line) {
                statistics.heartbeats += 1
                return .heartbeat
            }
            statistics.linesSkipped += 1
            return .skipped(reason: error.description)
        }
        if parsed.isHeartbeat {
            statistics.heartbeats += 1
            return .heartbeat
        }
        let payload = UnsafeRawBufferPointer(rebasing: line[parsed.payload])
        let symbol = UnsafeRawBufferPointer(rebasing: line[parsed.symbol])
        let day = Self.floorDiv(parsed.milliseconds, Self.dayMilliseconds)
        let index = try entryIndex(symbol: symbol, day: day, milliseconds: parsed.milliseconds)
        if let id = parsed.id, !openDays[index].known.insert(id) {
            statistics.duplicatesSkipped += 1
            return .duplicate
        }
        try writeWhole(payload, to: openDays[index])
        statistics.linesWritten += 1
        if parsed.milliseconds >= earliestDeadline {
            try closeDays(through: parsed.milliseconds)
        }
        return .written
    }

    /// Closes every open file (fsync), compresses the days that are over, and waits for all
    /// compressions to finish. Call once at the end; the object is empty afterwards.
    package func finish() throws(DailyTradeFilesError) {
        let now = wallClockMilliseconds()
        let entries = openDays
        openDays.removeAll()
        earliestDeadline = .max
        let failures = entries.compactMap { closeFile($0, dayIsOver: $0.deadline <= now) }
        while !pending.isEmpty { reap(blocking: true) }
        if let failure = failures.first { throw failure }
    }

    // MARK: Files

    private func entryIndex(symbol: UnsafeRawBufferPointer, day: Int64, milliseconds: Int64) throws(DailyTradeFilesError) -> Int {
        if lastHit < openDays.count, openDays[lastHit].day == day, Self.equal(openDays[lastHit].symbol, symbol) { return lastHit }
        for i in openDays.indices where openDays[i].day == day && Self.equal(openDays[i].symbol, symbol) {
            lastHit = i
            return i
        }
        // A new file (or a reopened one for a late line).
        var name = [UInt8](symbol)
        for k in name.indices where name[k] >= UInt8(ascii: "a") && name[k] <= UInt8(ascii: "z") { name[k] -= 32 }
        let symbolText = String(decoding: name, as: UTF8.self)
        let path = directory + "/" + Self.fileName(symbol: symbolText, epochMilliseconds: milliseconds)
        var known = KnownIDs()
        let closedHere = closedPaths.contains(path)
        if closedHere {
            statistics.lateLines += 1
            known = closedIDs.removeValue(forKey: path) ?? KnownIDs()
            // The archive may be in the making from this very file: let it finish first, so the
            // late line lands in a fresh plain file instead of one about to be removed.
            while let k = pending.firstIndex(where: { $0.plainPath == path }) { reap(pid: pending[k].pid) }
        }
        let existed = access(path, F_OK) == 0
        let fd = path.withCString { openFile($0, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        if !existed { try Self.syncDirectory(directory) }
        statistics.filesOpened += 1
        if existed {
            do throws(DailyTradeFilesError) {
                try cutTornTail(fd, path: path)
                // A file this run closed holds nothing `known` lacks; any other is read once.
                if !closedHere { try readIDs(of: path, into: &known) }
            } catch {
                close(fd)
                throw error
            }
        }
        if !closedHere {
            for method in Compression.allCases where access(path + method.fileExtension, F_OK) == 0 {
                let archive = path + method.fileExtension
                if let failure = readIDs(ofArchive: archive, method: method, into: &known) {
                    statistics.archivedDaysUnchecked += 1
                    diagnostics.report("record", "\(archive): this day was archived by an earlier run and cannot be read back (\(failure)); its trades are not all checked for duplicates, new lines go to \(path)")
                }
            }
        }
        let deadline = (day + 1) * Self.dayMilliseconds + closeAfterMilliseconds
        openDays.append(OpenDay(symbol: name, day: day, fd: fd, path: path, deadline: deadline, known: known))
        earliestDeadline = min(earliestDeadline, deadline)
        lastHit = openDays.count - 1
        return lastHit
    }

    /// Cuts off a last line without `\n` (left by a writer that died mid-line), so the next line
    /// is not glued to it and the file holds whole lines only.
    private func cutTornTail(_ fd: Int32, path: String) throws(DailyTradeFilesError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, errno: errno) }
        let size = Int64(info.st_size)
        guard size > 0 else { return }
        let blockSize: Int64 = 1 << 16
        var buffer = [UInt8](repeating: 0, count: Int(blockSize))
        var end = size
        var keep: Int64 = 0
        search: while end > 0 {
            let start = max(0, end - blockSize)
            let want = Int(end - start)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(start)) }
            guard n == want else { throw .cannotOpen(path: path, errno: n < 0 ? errno : EIO) }
            if end == size && buffer[want - 1] == 0x0A { return }
            for k in stride(from: want - 1, through: 0, by: -1) where buffer[k] == 0x0A {
                keep = start + Int64(k) + 1
                break search
            }
            end = start
        }
        guard ftruncate(fd, off_t(keep)) == 0 else { throw .writeFailed(path: path, errno: errno) }
        try Self.sync(fd, path: path)
        statistics.tornTailsCut += 1
        diagnostics.report("record", "\(path): cut off a torn last line (\(size - keep) bytes without a newline) left by an earlier writer")
    }

    /// Reads the trade ids an existing daily file holds.
    private func readIDs(of path: String, into known: inout KnownIDs) throws(DailyTradeFilesError) {
        let fd = path.withCString { openFile($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        var reader = LineReader(fileDescriptor: fd, maxLineLength: WireLimits.maxLineLength)
        do throws(LineInputError<Never>) {
            try reader.forEachLine { line, _ in
                if case .text(let bytes) = line, let id = TradeID(line: bytes) { _ = known.insert(id) }
                return true
            }
        } catch {
            if case .read(.readFailed(let code)) = error { throw .cannotOpen(path: path, errno: code) }
            throw .cannotOpen(path: path, errno: EIO)
        }
    }

    /// Reads the trade ids of a day archived by an earlier run, through `zstd -dc`/`gzip -dc` on a
    /// pipe (fixed argument vector, no shell). Returns why not when that fails; the ids read up to
    /// the failure are kept (they are in the archive).
    private func readIDs(ofArchive archive: String, method: Compression, into known: inout KnownIDs) -> String? {
        guard method.isAvailable else { return "\(method.program) is not on PATH" }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return "pipe: \(DailyTradeFilesError.text(errno))" }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        let words: [String] = [method.program, method == .zstd ? "-qdc" : "-dc", "--", archive]
        let argv = words.map { strdup($0) }
        defer { for p in argv { free(p) } }
        var cArgv = argv + [nil]
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, method.program, &actions, nil, &cArgv, environ)
        close(ends[1])
        guard rc == 0 else {
            close(ends[0])
            return "cannot run \(method.program): \(DailyTradeFilesError.text(rc))"
        }
        var readFailure: String?
        do {
            var reader = LineReader(fileDescriptor: ends[0], chunkSize: 1 << 15, maxLineLength: WireLimits.maxLineLength)
            do throws(LineInputError<Never>) {
                let finished = try reader.forEachLine { line, _ in
                    if case .text(let bytes) = line, let id = TradeID(line: bytes) { _ = known.insert(id) }
                    return true
                }
                if !finished { readFailure = "interrupted" }
            } catch {
                readFailure = "read failed"
            }
        }
        close(ends[0])
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, 0) } while r < 0 && errno == EINTR
        if let readFailure { return readFailure }
        let succeeded = r == pid && (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        return succeeded ? nil : "\(method.program) failed (wait status \(status))"
    }

    /// One `write` of the line and its newline; a partial write is truncated away again.
    private func writeWhole(_ payload: UnsafeRawBufferPointer, to entry: OpenDay) throws(DailyTradeFilesError) {
        lineBuffer.removeAll(keepingCapacity: true)
        lineBuffer.append(contentsOf: payload)
        lineBuffer.append(0x0A)
        let failure: Int32? = lineBuffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(entry.fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                let code = n < 0 ? errno : EIO
                if offset > 0 {
                    var info = stat()
                    if fstat(entry.fd, &info) == 0 { _ = ftruncate(entry.fd, info.st_size - off_t(offset)) }
                }
                return code
            }
            return nil
        }
        if let failure { throw .writeFailed(path: entry.path, errno: failure) }
    }

    private func closeDays(through milliseconds: Int64) throws(DailyTradeFilesError) {
        let over = openDays.filter { $0.deadline <= milliseconds }
        openDays.removeAll { $0.deadline <= milliseconds }
        lastHit = 0
        earliestDeadline = openDays.map(\.deadline).min() ?? .max
        let failures = over.compactMap { closeFile($0, dayIsOver: true) }
        if let failure = failures.first { throw failure }
    }

    /// Syncs and closes the file of `entry`; a day that is over is counted closed and handed to
    /// compression. The file is closed (and compressed) even when its sync fails, so one bad file
    /// keeps no other open: the failure is returned, for the caller to throw once every file is
    /// closed.
    private func closeFile(_ entry: OpenDay, dayIsOver: Bool) -> DailyTradeFilesError? {
        let synced = Result { () throws(DailyTradeFilesError) in try Self.sync(entry.fd, path: entry.path) }
        close(entry.fd)
        if dayIsOver {
            statistics.daysClosed += 1
            closedPaths.insert(entry.path)
            closedIDs[entry.path] = entry.known
            startCompression(of: entry.path)
        }
        if case .failure(let failure) = synced { return failure }
        return nil
    }

    // MARK: Compression

    /// Starts compressing `plainPath` in the background. Failures are reported and leave the
    /// plain file in place: nothing is ever lost for want of an archive.
    private func startCompression(of plainPath: String) {
        guard let compression else { return }
        // One compression per file at a time.
        while let k = pending.firstIndex(where: { $0.plainPath == plainPath }) { reap(pid: pending[k].pid) }
        let finalPath = plainPath + compression.fileExtension
        let slash = plainPath.lastIndex(of: "/").map { plainPath.index(after: $0) } ?? plainPath.startIndex
        let temporaryPath = String(plainPath[..<slash]) + "." + String(plainPath[slash...]) + compression.fileExtension + ".partial"
        let tfd = temporaryPath.withCString { openFile($0, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644) }
        guard tfd >= 0 else {
            compressionFailed(plainPath, "cannot create \(temporaryPath): \(DailyTradeFilesError.text(errno))")
            return
        }
        // An archive from earlier (late lines): keep its frames in front of the new one.
        if access(finalPath, F_OK) == 0, !Self.copy(from: finalPath, to: tfd) {
            close(tfd)
            unlink(temporaryPath)
            compressionFailed(plainPath, "cannot copy the existing \(finalPath)")
            return
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, tfd, 1)
        let argv = compression.arguments(for: plainPath).map { strdup($0) }
        defer { for p in argv { free(p) } }
        var cArgv = argv + [nil]
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, compression.program, &actions, nil, &cArgv, environ)
        guard rc == 0 else {
            close(tfd)
            unlink(temporaryPath)
            compressionFailed(plainPath, "cannot run \(compression.program): \(DailyTradeFilesError.text(rc))")
            return
        }
        pending.append(PendingCompression(pid: pid, plainPath: plainPath, finalPath: finalPath,
                                          temporaryPath: temporaryPath, temporaryFD: tfd))
    }

    private func reapFinished() {
        guard !pending.isEmpty else { return }
        reap(blocking: false)
    }

    private func reap(blocking: Bool) {
        for job in pending {
            var status: Int32 = 0
            var r: pid_t
            repeat { r = waitpid(job.pid, &status, blocking ? 0 : WNOHANG) } while r < 0 && errno == EINTR
            if r == job.pid || r < 0 { complete(job, status: r < 0 ? -1 : status) }
        }
    }

    private func reap(pid: pid_t) {
        guard let job = pending.first(where: { $0.pid == pid }) else { return }
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, 0) } while r < 0 && errno == EINTR
        complete(job, status: r < 0 ? -1 : status)
    }

    private func complete(_ job: PendingCompression, status: Int32) {
        pending.removeAll { $0.pid == job.pid }
        // WIFEXITED && WEXITSTATUS == 0, spelled out (the C macros are not imported).
        let succeeded = status >= 0 && (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        guard succeeded else {
            close(job.temporaryFD)
            unlink(job.temporaryPath)
            compressionFailed(job.plainPath, "\(compression?.program ?? "compressor") failed (wait status \(status))")
            return
        }
        guard fsync(job.temporaryFD) == 0 else {
            let code = errno
            close(job.temporaryFD)
            unlink(job.temporaryPath)
            compressionFailed(job.plainPath, "fsync of the archive failed: \(DailyTradeFilesError.text(code))")
            return
        }
        close(job.temporaryFD)
        guard rename(job.temporaryPath, job.finalPath) == 0 else {
            let code = errno
            unlink(job.temporaryPath)
            compressionFailed(job.plainPath, "cannot rename the archive into place: \(DailyTradeFilesError.text(code))")
            return
        }
        try? Self.syncDirectory(directory)
        unlink(job.plainPath)
        try? Self.syncDirectory(directory)
        statistics.filesCompressed += 1
    }

    private func compressionFailed(_ path: String, _ why: String) {
        statistics.compressionFailures += 1
        diagnostics.report("record", "\(path): not compressed, kept as is: \(why)")
    }

    // MARK: Helpers

    private static func copy(from path: String, to fd: Int32) -> Bool {
        let src = path.withCString { openFile($0, O_RDONLY | O_CLOEXEC) }
        guard src >= 0 else { return false }
        defer { close(src) }
        let size = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(src, buffer, size)
            if n == 0 { return true }
            if n < 0 { if errno == EINTR { continue }; return false }
            var offset = 0
            while offset < n {
                let w = write(fd, buffer + offset, n - offset)
                if w > 0 { offset += w } else if w < 0 && errno == EINTR { continue } else { return false }
            }
        }
    }

    private static func sync(_ fd: Int32, path: String) throws(DailyTradeFilesError) {
        guard fsync(fd) == 0 else { throw .syncFailed(path: path, errno: errno) }
    }

    private static func syncDirectory(_ path: String) throws(DailyTradeFilesError) {
        let fd = path.withCString { openFile($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .syncFailed(path: path, errno: errno) }
    }

    private static func makeDirectory(_ path: String) throws(DailyTradeFilesError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .cannotCreateDirectory(path: prefix, errno: errno)
            }
            prefix += "/"
        }
    }

    private static func equal(_ stored: [UInt8], _ symbol: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == symbol.count else { return false }
        for k in 0..<stored.count {
            var b = symbol[k]
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
            if stored[k] != b { return false }
        }
        return true
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// The three things a recording needs from a line: where the trade payload is, its symbol and
/// its time, read with BNCWire's peek (bare payload or combined-stream envelope).
private struct ParsedLine {
    var payload: Range<Int>
    var symbol: Range<Int>
    var milliseconds: Int64
    /// The trade id, if the line has a readable one.
    var id: TradeID?
    /// A `bnc.heartbeat` line (formats.md §1): not recorded.
    var isHeartbeat: Bool

    /// Why a line cannot be placed in a daily file; `append` turns it into `.skipped(reason:)`.
    enum LineError: ToolError {
        case json(JSONScanError)
        case field(TradeLineError)
        case unsafeSymbol

        var description: String {
            switch self {
            case .json(let e): return e.description
            case .field(let e): return e.description
            case .unsafeSymbol: return "symbol \"s\" is not letters, digits and underscores"
            }
        }

        var exitStatus: ExitStatus { .dataError }
    }

    init(_ line: UnsafeRawBufferPointer) throws(LineError) {
        let peek: TradeLinePeek
        do { peek = try TradeLinePeek(line) } catch { throw .json(error) }
        payload = peek.payload
        isHeartbeat = peek.isEvent(HeartbeatLine.eventType, in: line)
        id = TradeID(peek: peek, line: line)
        do throws(TradeLineError) {
            symbol = try peek.symbol(in: line)
            // The trade time, or the event time for a line without one.
            let time: Int64
            do throws(TradeLineError) {
                time = try peek.tradeTime(in: line)
            } catch {
                guard case .missingField = error else { throw error }
                do throws(TradeLineError) { time = try peek.eventTime(in: line) } catch { throw TradeLineError.missingField("T") }
            }
            milliseconds = WireLimits.milliseconds(time)
        } catch {
            throw .field(error)
        }
        // The symbol names a file: nothing that could climb out of the directory.
        for k in symbol {
            let b = line[k]
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            guard ok else { throw .unsafeSymbol }
        }
    }
}

/// A trade's id with its numbering: `t` of a trade, `a` of an aggTrade.
private struct TradeID {
    var aggregate: Bool
    var value: Int64

    init?(peek: TradeLinePeek, line: UnsafeRawBufferPointer) {
        guard let kind = try? peek.kind(in: line), let value = try? peek.id(in: line) else { return nil }
        aggregate = kind == .aggTrade
        self.value = value
    }

    init?(line: UnsafeRawBufferPointer) {
        guard let peek = try? TradeLinePeek(line) else { return nil }
        self.init(peek: peek, line: line)
    }
}

@inline(__always) private func openFile(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    open(path, flags, mode)
}
