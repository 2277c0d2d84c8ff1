import BNCCore

/// `--state FILE`: the tracker's per-symbol state (`EpisodeTracker.SymbolState`), saved so a
/// restarted watch neither repeats an alert nor loses an open episode. A small text file, one
/// line per symbol, replaced atomically (write `FILE.tmp`, fsync, rename), so a crash leaves
/// the old or the new state, never half of one.
///
///     bnc-watch-state 1
///     SYMBOL<TAB>last_seen<TAB>last_alert<TAB>open_start<TAB>open_last_start<TAB>open_last_end<TAB>windows<TAB>normals<TAB>alerted<TAB>peak
///
/// Times are epoch ms, `-` for none; an empty symbol is the original's CSV (no symbol column).
package enum WatchStateFile {
    static let magic = "bnc-watch-state 1"

    package static func encode(_ states: [String: EpisodeTracker.SymbolState]) -> String {
        var out = magic + "\n"
        func t(_ v: Int64?) -> String { v.map { String($0) } ?? "-" }
        for symbol in states.keys.sorted() {
            let s = states[symbol]!
            var fields = [symbol, t(s.lastSeen), t(s.lastAlert)]
            if let o = s.open {
                fields += [String(o.start), String(o.lastStart), t(o.lastEnd), String(o.anomalousWindows), String(o.normalsSince),
                           o.alerted ? "1" : "0", o.peakSeverity.map { "\($0)" } ?? "-"]
            } else {
                fields += ["-", "-", "-", "-", "-", "-", "-"]
            }
            out += fields.joined(separator: "\t") + "\n"
        }
        return out
    }

    package static func decode(_ text: String) -> [String: EpisodeTracker.SymbolState]? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == Substring(magic) else { return nil }
        lines.removeFirst()
        var states: [String: EpisodeTracker.SymbolState] = [:]
        for line in lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 10 else { return nil }
            func t(_ s: String) -> Int64?? { s == "-" ? .some(nil) : Int64(s).map { .some($0) } }
            guard let lastSeen = t(f[1]), let lastAlert = t(f[2]) else { return nil }
            var state = EpisodeTracker.SymbolState(lastSeen: lastSeen, lastAlert: lastAlert)
            if f[3] != "-" {
                guard let start = Int64(f[3]), let lastStart = Int64(f[4]), let lastEnd = t(f[5]),
                      let windows = Int(f[6]), let normals = Int(f[7]), f[8] == "0" || f[8] == "1" else { return nil }
                let peak: Double? = f[9] == "-" ? nil : Double(f[9])
                state.open = EpisodeTracker.OpenEpisode(start: start, lastStart: lastStart, lastEnd: lastEnd, anomalousWindows: windows,
                                                        normalsSince: normals, alerted: f[8] == "1", peakSeverity: peak)
            }
            states[f[0]] = state
        }
        return states
    }

    /// The saved states, or empty when the file does not exist yet.
    package static func load(_ path: String) throws(WatchError) -> [String: EpisodeTracker.SymbolState] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [:] }
            throw .badStateFile(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw .badStateFile(file: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > 64 << 20 { throw .badStateFile(file: path, reason: "larger than 64 MiB") }
        }
        guard let states = decode(String(decoding: bytes, as: UTF8.self)) else {
            throw .badStateFile(file: path, reason: "expected a first line '\(magic)' and 10 tab-separated fields a line")
        }
        return states
    }

    package static func save(_ states: [String: EpisodeTracker.SymbolState], to path: String) throws(WatchError) {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWriteState(file: path, reason: String(cString: strerror(errno))) }
        let bytes = Array(encode(states).utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .cannotWriteState(file: path, reason: reason)
            }
            written += n
        }
        fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else { throw .cannotWriteState(file: path, reason: String(cString: strerror(errno))) }
    }
}
