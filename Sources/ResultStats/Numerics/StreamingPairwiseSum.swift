/// `NumPySum` fed one value at a time, when the count is known before the first value: the same
/// tree of blocks and halves, walked in order with a stack of pending left halves (depth
/// log₂(n/128)), so a sum over rows that are streamed, not stored, carries NumPy's very bits.
/// Used where a first pass has counted the values (`cv`'s windows).
package struct StreamingPairwiseSum: Sendable {
    private struct Frame: Sendable { var size: Int; var left: Double; var hasLeft: Bool }
    private var stack: [Frame] = []
    private var leafSize = 0, leafIndex = 0, leafLimit = 0
    private var r0 = 0.0, r1 = 0.0, r2 = 0.0, r3 = 0.0, r4 = 0.0, r5 = 0.0, r6 = 0.0, r7 = 0.0
    private var res = 0.0
    /// The sum, once `count` values were added (0 for a count of 0).
    package private(set) var result: Double?
    package let count: Int

    package init(count: Int) {
        self.count = count
        if count <= 0 { result = 0 } else { descend(count) }
    }

    private static func leftSize(_ n: Int) -> Int { var n2 = n / 2; n2 -= n2 % 8; return n2 }

    private mutating func descend(_ size: Int) {
        var n = size
        while n > 128 {
            stack.append(Frame(size: n, left: 0, hasLeft: false))
            n = Self.leftSize(n)
        }
        leafSize = n; leafIndex = 0; leafLimit = n - n % 8; res = 0
    }

    /// Adds the next value; values past `count` are ignored.
    package mutating func add(_ v: Double) {
        guard result == nil else { return }
        let i = leafIndex
        if leafSize < 8 {
            res += v
        } else if i < 8 {
            switch i {
            case 0: r0 = v
            case 1: r1 = v
            case 2: r2 = v
            case 3: r3 = v
            case 4: r4 = v
            case 5: r5 = v
            case 6: r6 = v
            default: r7 = v
            }
        } else if i < leafLimit {
            switch i & 7 {
            case 0: r0 += v
            case 1: r1 += v
            case 2: r2 += v
            case 3: r3 += v
            case 4: r4 += v
            case 5: r5 += v
            case 6: r6 += v
            default: r7 += v
            }
        } else {
            res += v
        }
        leafIndex = i + 1
        if leafSize >= 8 && leafIndex == leafLimit { res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) }
        if leafIndex == leafSize { finishLeaf(res) }
    }

    private mutating func finishLeaf(_ value: Double) {
        var v = value
        while let top = stack.last {
            if !top.hasLeft {
                stack[stack.count - 1].left = v
                stack[stack.count - 1].hasLeft = true
                descend(top.size - Self.leftSize(top.size))
                return
            }
            v = top.left + v
            stack.removeLast()
        }
        result = v
    }
}

/// Neumaier's compensated sum: the rounding error of every add is carried and added back at the
/// end, so the result is within an ulp or two of the exact sum, in any order and without storing
/// the values. Where a mean is taken over rows that are streamed once (summary's feature means
/// by group), it stands in for NumPy's pairwise sum, whose own error is larger (O(log n) ulps):
/// the two agree far inside the 1e-9 the pandas parity tests allow.
package struct CompensatedSum: Sendable {
    package private(set) var count = 0
    private var sum = 0.0, compensation = 0.0
    package init() {}

    @inline(__always) package mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
        count += 1
    }

    package var value: Double { sum + compensation }
    /// The mean; NaN for no values (as pandas).
    package var mean: Double { count > 0 ? value / Double(count) : .nan }
}
