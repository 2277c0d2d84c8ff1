import BNCCore

/// A column of doubles appended one at a time whose length is not known in advance (the scores
/// of a pass). Two things keep its peak at the values themselves:
/// - it grows in fixed chunks instead of by doubling (an array that doubles copies itself into a
///   buffer twice its size, holding three times its values for a moment);
/// - the chunks are mapped and unmapped directly, not taken from malloc: freed malloc chunks in
///   the middle of the heap stay resident, so moving them into the final array would briefly
///   hold the column twice.
/// `finish()` moves the chunks into one exact-size array, unmapping each as it goes.
package final class DoubleColumn {
    private static let chunkCount = 1 << 17          // 1 MiB of doubles
    private static let chunkBytes = chunkCount * MemoryLayout<Double>.stride
    private var chunks: [UnsafeMutablePointer<Double>] = []
    private var used = 0
    package private(set) var count = 0

    package init() {}

    deinit { release() }

    @inline(__always) package func append(_ v: Double) {
        if chunks.isEmpty || used == Self.chunkCount { addChunk() }
        chunks[chunks.count - 1][used] = v
        used += 1
        count += 1
    }

    private func addChunk() {
        guard let raw = mmap(nil, Self.chunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("bnc-stats: out of memory for a column of \(count) values")
        }
        chunks.append(raw.bindMemory(to: Double.self, capacity: Self.chunkCount))
        used = 0
    }

    private func release() {
        for c in chunks { munmap(UnsafeMutableRawPointer(c), Self.chunkBytes) }
        chunks = []
    }

    /// The values in order, as one array; the column is left empty.
    package func finish() -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(count)
        for (k, c) in chunks.enumerated() {
            let n = k == chunks.count - 1 ? used : Self.chunkCount
            out.append(contentsOf: UnsafeBufferPointer(start: c, count: n))
            munmap(UnsafeMutableRawPointer(c), Self.chunkBytes)
        }
        chunks = []; used = 0; count = 0
        return out
    }
}
