/// A regular file cut into byte ranges that each hold whole lines, so that several threads can
/// split and parse them at once and their results still be put back in file order.
///
/// Every range but the last ends just after a `\n`; together they cover `start..<end` without a
/// gap, where `end` is just after the last `\n` of the file as it was measured. So a line never
/// straddles two ranges, whatever the target size (a line longer than the target makes its range
/// longer), and splitting each range on its own gives exactly the lines of splitting the whole
/// file at once. The bytes after the last `\n` (a last line without one, or a line being
/// appended while we read) are left to the caller's ordinary sequential reader.
package struct LineAlignedChunks: Sendable, Equatable {
    /// Range boundaries: range `k` is `offsets[k]..<offsets[k + 1]`.
    package let offsets: [Int]

    package var count: Int { max(0, offsets.count - 1) }
    /// Where the ranges start.
    package var start: Int { offsets.first ?? 0 }
    /// Just after the last `\n` covered: where a sequential reader takes over.
    package var end: Int { offsets.last ?? 0 }

    package func range(_ k: Int) -> Range<Int> { offsets[k]..<offsets[k + 1] }

    package init(offsets: [Int]) { self.offsets = offsets }

    /// The default for a tool's `--threads` (bnc-window, `bnc-stats summary`): one per core, at
    /// most 8 (more ranges in flight only cost memory once the consumer is the slower side).
    package static var defaultThreads: Int { max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) }
    /// The range every tool's `--threads` accepts.
    package static let threadsRange = 1...64

    /// The rest of a regular file, from the descriptor's current offset, cut into ranges of about
    /// `targetSize` bytes when reading it on several threads pays: nil for a pipe or anything else
    /// that is not a regular file, when no more than `targetSize` bytes are left, when the rest
    /// makes a single range, or when it cannot be read. The descriptor's offset is left alone.
    package static func cutRestOfRegularFile(_ fileDescriptor: Int32, targetSize: Int) -> LineAlignedChunks? {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let start = Int(lseek(fileDescriptor, 0, SEEK_CUR))
        let size = Int(info.st_size)
        guard start >= 0, size - start > targetSize,
              let chunks = cut(fileDescriptor: fileDescriptor, from: start, size: size, targetSize: targetSize),
              chunks.count > 1
        else { return nil }
        return chunks
    }

    /// Cuts `start..<size` of the file open on `fileDescriptor` into ranges of about
    /// `targetSize` bytes that end at a `\n`. Reads only a little around each cut (with
    /// `pread`, so the descriptor's offset is left alone). Nil when the bytes cannot be read.
    package static func cut(fileDescriptor: Int32, from start: Int, size: Int, targetSize: Int) -> LineAlignedChunks? {
        precondition(targetSize > 0)
        let probeSize = 64 << 10
        let probe = UnsafeMutableRawPointer.allocate(byteCount: probeSize, alignment: 16)
        defer { probe.deallocate() }
        /// Reads `count` bytes at `offset` into the probe; nil on a read error or a short read
        /// (the file shrank).
        func read(_ offset: Int, _ count: Int) -> Bool {
            var done = 0
            while done < count {
                let n = pread(fileDescriptor, probe + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        // The end: just after the file's last '\n' (searched backwards from `size`).
        var end = start
        var block = size
        while block > start && end == start {
            let from = max(start, block - probeSize)
            guard read(from, block - from) else { return nil }
            var i = block - from
            while i > 0 {   // (memrchr is not on every platform)
                i -= 1
                if probe.load(fromByteOffset: i, as: UInt8.self) == 0x0A { end = from + i + 1; break }
            }
            block = from
        }
        var offsets = [start]
        var cut = start
        while cut < end {
            // The next boundary: just after the first '\n' at or after cut + targetSize − 1, so a
            // range is at least `targetSize` long unless it is the last; there is one at end − 1.
            var at = min(cut + targetSize - 1, end - 1)
            var next = end
            while at < end {
                let n = min(probeSize, end - at)
                guard read(at, n) else { return nil }
                if let hit = memchr(probe, 0x0A, n) {
                    next = at + (UnsafeMutableRawPointer(hit) - probe) + 1
                    break
                }
                at += n
            }
            offsets.append(next)
            cut = next
        }
        return LineAlignedChunks(offsets: offsets)
    }
}
