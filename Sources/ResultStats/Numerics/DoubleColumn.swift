/// A column of doubles appended one at a time whose length is not known in advance (the scores
/// of a pass), grown in fixed chunks instead of by doubling: an array that doubles copies itself
/// into a buffer twice its size, so for a moment it holds three times its values. `finish()`
/// moves the chunks into one exact-size array, releasing each as it goes: the peak stays at the
/// values plus one chunk.
package struct DoubleColumn: Sendable {
    private static let chunk = 1 << 16
    private var full: [[Double]] = []
    private var current: [Double] = []
    package private(set) var count = 0

    package init() {}

    @inline(__always) package mutating func append(_ v: Double) {
        if current.capacity == 0 { current.reserveCapacity(Self.chunk) }
        current.append(v)
        count += 1
        if current.count == Self.chunk { full.append(current); current = [] }
    }

    /// The values in order, as one array; the column is left empty.
    package mutating func finish() -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(count)
        for k in full.indices { out += full[k]; full[k] = [] }
        out += current
        full = []; current = []; count = 0
        return out
    }
}
