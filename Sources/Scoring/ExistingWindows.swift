import BNCCore
import BNCWire

/// The windows a results file already holds, so that appending the same windows again (a
/// re-run of `replay.sh --output`, `record.sh` over the same data) writes each window once.
///
/// A window is its symbol and its `timestamp` cell as written (the window start; a given start
/// always encodes to the same text), compared exactly. Only the file's rows are kept, never the
/// rows this run appends, so memory follows the file (about 40 bytes a row), not the run. The
/// file's last line is ignored when it is torn (no `\n`): that window is written again whole.
struct ExistingWindows {
    /// A timestamp cell packed into 24 bytes (ours are 24 or 19 bytes long); a longer cell is never ours.
    struct Stamp: Hashable {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0

        init?(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
            guard !range.isEmpty, range.count <= 24 else { return nil }
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in
                for (k, i) in range.enumerated() { raw[k] = bytes[i] }
            }
            (a, b, c) = words
        }
    }

    let format: ResultFormat
    private var bySymbol: [[UInt8]: Set<Stamp>] = [:]
    /// Rows held.
    private(set) var count = 0

    init(format: ResultFormat) { self.format = format }

    /// Reads every row from `fd` (a descriptor of its own, at the file's start); the header (CSV)
    /// is skipped. `endsWithNewline`: whether the file's last row is whole. Returns the `errno`
    /// of a failed read, nil on success.
    mutating func load(readDescriptor fd: Int32, endsWithNewline: Bool) -> Int32? {
        var reader = LineReader(fileDescriptor: fd, chunkSize: 1 << 16, maxLineLength: WireLimits.maxLineLength)
        var pending: (symbol: [UInt8], stamp: Stamp)? = nil
        let format = self.format
        do throws(LineInputError<Never>) {
            try reader.forEachLine { (line, number) throws(Never) -> Bool in
                if let p = pending { insert(p.symbol, p.stamp); pending = nil }
                guard case .text(let bytes) = line, number > 1 || format == .ndjson else { return true }
                if let key = Self.key(bytes, format: format), let stamp = Stamp(bytes, key.timestamp) {
                    pending = (Array(bytes[key.symbol]), stamp)
                }
                return true
            }
        } catch {
            if case .read(.readFailed(let code)) = error { return code }
            return EIO
        }
        if endsWithNewline, let p = pending { insert(p.symbol, p.stamp) }
        return nil
    }

    private mutating func insert(_ symbol: [UInt8], _ stamp: Stamp) {
        if bySymbol[symbol, default: []].insert(stamp).inserted { count += 1 }
    }

    /// Whether the encoded row `row` (as `ResultFormatter` wrote it) is a window the file holds.
    func contains(row: [UInt8]) -> Bool {
        guard count > 0 else { return false }
        return row.withUnsafeBytes { bytes in
            guard let key = Self.key(bytes, format: format), let stamp = Stamp(bytes, key.timestamp),
                  let stamps = bySymbol[Array(bytes[key.symbol])] else { return false }
            return stamps.contains(stamp)
        }
    }

    /// The symbol and timestamp cells of one row (without a trailing `\n`), or nil when the line
    /// is no row of `format`. The original's CSV has no symbol: its symbol range is empty.
    static func key(_ line: UnsafeRawBufferPointer, format: ResultFormat) -> (symbol: Range<Int>, timestamp: Range<Int>)? {
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        switch format {
        case .ndjson:
            var symbol: Range<Int>? = nil, timestamp: Range<Int>? = nil
            do {
                try JSONObjectScanner.scan(UnsafeRawBufferPointer(rebasing: line[0..<end])) { (member: JSONMember) throws(JSONScanError) in
                    guard member.kind == .string else { return }
                    switch ScoredResultColumn(key: line, member.keyRange) {
                    case .timestamp?: timestamp = member.valueRange
                    case .symbol?: symbol = member.valueRange
                    default: break
                    }
                }
            } catch { return nil }
            guard let symbol, let timestamp else { return nil }
            return (symbol, timestamp)
        case .original:
            // No symbol column: the window is its timestamp (cell 0) alone.
            guard let comma = line[0..<end].firstIndex(of: UInt8(ascii: ",")), comma > 0 else { return nil }
            return (0..<0, 0..<comma)
        case .csv:
            // timestamp is cell 0, symbol cell 8 (formats.md §3); our cells are never quoted.
            var cell = 0, start = 0
            var timestamp = 0..<0
            for i in 0...end where i == end || line[i] == UInt8(ascii: ",") {
                if cell == 0 { timestamp = start..<i }
                if cell == 8 { return timestamp.isEmpty || i == start ? nil : (start..<i, timestamp) }
                cell += 1
                start = i + 1
            }
            return nil
        }
    }
}
