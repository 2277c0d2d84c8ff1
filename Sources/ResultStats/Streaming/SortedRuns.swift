import BNCCore

/// An external stable sort by timestamp for inputs that are not already in time order (a file
/// given twice, days given newest first, rows of several writers interleaved): rows are taken in
/// input order into a chunk of `chunkRows`, each full chunk is sorted (stably) and written to an
/// unlinked temporary file as one run, and every pass merges the runs, ties going to the earlier
/// run — the order a stable sort of the whole input gives. Memory: one chunk while writing, one
/// small buffer per run while merging; the rows themselves live in the file (page cache), not
/// in the process.
package final class SortedRuns {
    /// Rows per run: 131,072 × 72 bytes = 9 MiB while writing.
    package static let chunkRows = 1 << 17
    /// Rows read at a time from each run while merging (72 KiB per run).
    static let readRows = 1 << 10
    private static let stride = MemoryLayout<ResultRow>.stride

    private let fd: Int32
    private var runs: [(offset: Int, count: Int)] = []
    private var chunk: [ResultRow] = []
    private let chunkRows: Int
    private var end = 0
    private(set) var count = 0

    /// Creates the spill file in `$TMPDIR` (else /tmp), unlinked at once.
    init(chunkRows: Int = SortedRuns.chunkRows) throws(ResultReadError) {
        self.chunkRows = max(1, chunkRows)
        fd = try TemporaryFile.create()
        chunk.reserveCapacity(self.chunkRows)
    }

    deinit { close(fd) }

    func add(_ row: ResultRow) throws(ResultReadError) {
        chunk.append(row)
        count += 1
        if chunk.count == chunkRows { try writeRun() }
    }

    /// Writes the last partial chunk and frees the chunk buffer.
    func finish() throws(ResultReadError) {
        if !chunk.isEmpty { try writeRun() }
        chunk = []
    }

    private func writeRun() throws(ResultReadError) {
        var order = Array(0..<Int32(chunk.count))
        chunk.withUnsafeBufferPointer { c in
            order.sort { a, b in
                let x = c[Int(a)].timestamp, y = c[Int(b)].timestamp
                return x != y ? x < y : a < b
            }
        }
        var out: [ResultRow] = []
        out.reserveCapacity(Self.readRows)
        let start = end
        for i in order {
            out.append(chunk[Int(i)])
            if out.count == Self.readRows { try write(out); out.removeAll(keepingCapacity: true) }
        }
        if !out.isEmpty { try write(out) }
        runs.append((start, chunk.count))
        chunk.removeAll(keepingCapacity: true)
    }

    private func write(_ rows: [ResultRow]) throws(ResultReadError) {
        let bytes = rows.count * Self.stride
        let failure: Int32? = rows.withUnsafeBytes { raw in
            var done = 0
            while done < bytes {
                let n = pwrite(fd, raw.baseAddress! + done, bytes - done, off_t(end + done))
                if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return n < 0 ? errno : ENOSPC }
            }
            return nil
        }
        if let failure { throw .readFailed(file: "temporary sort file", reason: String(cString: strerror(failure))) }
        end += bytes
    }

    /// Calls `body` with every row in time order (stable across runs).
    func forEach(_ body: (ResultRow) -> Void) throws(ResultReadError) {
        struct Cursor { var next: Int; var left: Int; var buffer: [ResultRow]; var position: Int }
        var cursors: [Cursor] = runs.map { Cursor(next: $0.offset, left: $0.count, buffer: [], position: 0) }
        func refill(_ k: Int) throws(ResultReadError) {
            let n = min(Self.readRows, cursors[k].left)
            var buffer = cursors[k].buffer
            buffer.removeAll(keepingCapacity: true)
            if n == 0 { cursors[k].buffer = buffer; cursors[k].position = 0; return }
            let bytes = n * Self.stride
            let offset = cursors[k].next
            let failure: Int32? = withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 16) { raw -> Int32? in
                var done = 0
                while done < bytes {
                    let r = pread(fd, raw.baseAddress! + done, bytes - done, off_t(offset + done))
                    if r > 0 { done += r } else if r < 0 && errno == EINTR { continue } else { return r < 0 ? errno : EIO }
                }
                let rows = raw.bindMemory(to: ResultRow.self)
                buffer.append(contentsOf: rows)
                return nil
            }
            if let failure { throw .readFailed(file: "temporary sort file", reason: String(cString: strerror(failure))) }
            cursors[k].buffer = buffer
            cursors[k].position = 0
            cursors[k].next += bytes
            cursors[k].left -= n
        }
        // A binary heap of run indices by (timestamp of the head row, run index).
        var heap: [Int] = []
        for k in cursors.indices {
            try refill(k)
            if !cursors[k].buffer.isEmpty { heap.append(k) }
        }
        func key(_ k: Int) -> Int64 { cursors[k].buffer[cursors[k].position].timestamp }
        func less(_ a: Int, _ b: Int) -> Bool { let x = key(a), y = key(b); return x != y ? x < y : a < b }
        func siftDown(_ i: Int) {
            var i = i
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m); i = m
            }
        }
        var i = heap.count / 2
        while i > 0 { i -= 1; siftDown(i) }
        while let k = heap.first {
            body(cursors[k].buffer[cursors[k].position])
            cursors[k].position += 1
            if cursors[k].position == cursors[k].buffer.count {
                try refill(k)
                if cursors[k].buffer.isEmpty {
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                }
            }
            if !heap.isEmpty { siftDown(0) }
        }
    }
}

/// An unlinked temporary file in `$TMPDIR` (else /tmp): gone when its descriptor closes, even
/// after a crash.
enum TemporaryFile {
    static func create() throws(ResultReadError) -> Int32 {
        var directory = ProcessInfoLite.environment("TMPDIR") ?? "/tmp"
        if directory.isEmpty { directory = "/tmp" }
        var template = Array((directory + "/bnc-stats-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw .readFailed(file: directory, reason: "cannot create a temporary file: " + String(cString: strerror(errno)))
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return fd
    }
}

/// `getenv` as a String.
enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
