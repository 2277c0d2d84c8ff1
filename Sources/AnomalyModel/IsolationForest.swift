import BNCCore
import Synchronization

/// scikit-learn's `IsolationForest` trees (DESIGN.md §4), grown and stored flat and compact.
///
/// Every node of every tree is kept once, in three parallel arrays of 16 bytes per node in all
/// (docs/score.md, *Memory*): `split`, the threshold of an inner node, or for a leaf a NaN whose
/// payload holds the leaf's depth and row count (so `x > NaN` is false and a leaf keeps the walk on
/// itself); `link`, the feature (low 7 bits) and the distance to the left child (the right child is
/// the next node; a leaf: 0, itself); and `gain`, the bits of isolation earned by reaching the
/// node from its parent, which only the attribution reads. A model file's four arrays (`feature`,
/// `threshold`, `leftChild`, `leafSize`) are derived from these when it is written.
///
/// Every walk takes exactly `walkDepth` branch-free steps, and eight trees are walked in lockstep so
/// their memory loads overlap; the leaf reached gives its path length, depth + c(leaf size), from
/// its payload (c from a table shared by all forests: the same value, computed the same way, as
/// the model has always used). Scoring uses unsafe buffers only: no allocation, no recursion, no
/// reference counting per row.
///
/// Growing follows scikit-learn's `ExtraTreeRegressor(max_features=1, splitter="random")` as used by
/// `IsolationForest`: ψ rows drawn without replacement per tree, depth limit ⌈log₂ ψ⌉, at each node
/// a feature drawn uniformly among those not constant in the node (a feature counts as constant when
/// max ≤ min + 1e-7, scikit-learn's `FEATURE_THRESHOLD`), a threshold uniform in [min, max) (a draw
/// that rounds up to max becomes min, as in scikit-learn), rows with `x <= threshold` to the left.
/// A node with one row, at the depth limit, or with every feature constant is a leaf.
package struct IsolationForest: Sendable, Equatable {
    /// ψ, the rows each tree was grown on; c(ψ) normalises the mean path length.
    package private(set) var maxSamples: Int
    package private(set) var featureCount: Int
    /// Index of each tree's root node.
    package private(set) var roots: [Int32]
    /// Per node: the threshold (inner node) or a NaN with the leaf's depth and rows (`leafBits`).
    private var split: [Double]
    /// Per node: feature | (left child − node) << 7; a leaf: 0 (it points to itself).
    private var link: [UInt32]
    /// Per node: log₂(rows in the parent / rows in this node), as a Float (0 at a root) — what a
    /// split credits its feature when a row takes this branch (docs/model.md, *Attribution*).
    private var gain: [Float]
    /// T · c(ψ), the denominator of the score's exponent.
    package private(set) var normaliser: Double
    /// The deepest leaf: every scoring walk takes this many steps.
    package private(set) var walkDepth: Int

    /// Floats per row of `explainSums`' output: 2·featureCount (bits, then right-branch bits),
    /// padded with zeros to a multiple of 4 so rows add as SIMD4 vectors.
    package var attributionStride: Int { (2 * featureCount + 3) & ~3 }

    /// scikit-learn's `FEATURE_THRESHOLD`: a feature whose range in a node is at most this is constant there.
    package static let constantFeatureThreshold = 1e-7

    /// The quiet-NaN pattern of a leaf's `split`; depth in bits 32–50, rows in bits 0–31.
    private static let leafTag: UInt64 = 0x7FF8_0000_0000_0000
    /// Deepest leaf a forest may have (a model file claiming more is corrupt).
    private static let maxDepth = 1 << 16
    /// c(n) and log₂ n for n below this come from tables shared by every forest.
    static let tableSize = 4097
    static let cTable: [Double] = (0..<tableSize).map { AveragePathLength.c($0) }
    static let log2Table: [Double] = (0..<tableSize).map { log2(Double($0)) }

    package var treeCount: Int { roots.count }
    package var nodeCount: Int { split.count }

    /// Bytes the forest holds per node (what docs/score.md quotes).
    package static let bytesPerNode = 8 + 4 + 4

    @inline(__always) private func isLeaf(_ i: Int) -> Bool { split[i].isNaN }

    /// The model file's arrays, derived: feature (−1 at a leaf), threshold (0 at a leaf),
    /// left child (−1 at a leaf), leaf size (0 at an inner node). Each read builds the whole
    /// array (the forest keeps only the compact layout): read one once, not per element.
    package var feature: [Int32] { (0..<nodeCount).map { isLeaf($0) ? -1 : Int32(link[$0] & 0x7F) } }
    package var threshold: [Double] { (0..<nodeCount).map { isLeaf($0) ? 0 : split[$0] } }
    package var leftChild: [Int32] { (0..<nodeCount).map { isLeaf($0) ? -1 : Int32($0 + Int(link[$0] >> 7)) } }
    package var leafSize: [Int32] {
        (0..<nodeCount).map { isLeaf($0) ? Int32(truncatingIfNeeded: split[$0].bitPattern & 0xFFFF_FFFF) : 0 }
    }

    /// The per-leaf attribution rows of `attributionTable`, kept for a forest that explains many
    /// single rows (streaming): a row's attribution is then one table row per tree instead of a
    /// walk back up each path — the same values bit for bit. About 48 bytes per leaf, so the caller
    /// chooses which forests keep one (`keepAttributionTable`); not part of the model or of `==`.
    private var keptTable: LeafTable?

    /// A kept table (a class, so copies of the forest share it).
    private final class LeafTable: Sendable {
        let table: [Float]
        let slots: [Int32]
        init(_ built: (table: [Float], slots: [Int32])) { table = built.table; slots = built.slots }
    }

    /// Builds and keeps the per-leaf attribution table (see `keptTable`).
    package mutating func keepAttributionTable() {
        if keptTable == nil { keptTable = LeafTable(attributionTable()) }
    }

    /// Whether `keepAttributionTable` was called.
    package var keepsAttributionTable: Bool { keptTable != nil }

    package static func == (a: Self, b: Self) -> Bool {
        a.maxSamples == b.maxSamples && a.featureCount == b.featureCount && a.roots == b.roots && a.link == b.link
            && a.split.elementsEqual(b.split, by: { $0.bitPattern == $1.bitPattern })
            && a.gain.elementsEqual(b.gain, by: { $0.bitPattern == $1.bitPattern })
    }

    /// Rebuilds a forest from its stored arrays (a model file); checks they are consistent.
    package init(maxSamples: Int, featureCount: Int, roots: [Int32], feature: [Int32], threshold: [Double],
                leftChild: [Int32], leafSize: [Int32]) throws(ModelError) {
        let n = feature.count
        guard maxSamples >= 1, featureCount >= 1, featureCount < 128, !roots.isEmpty, threshold.count == n,
              leftChild.count == n, leafSize.count == n, n < Int(Int32.max)
        else { throw .corrupt("inconsistent forest arrays") }
        for r in roots where r < 0 || Int(r) >= n { throw .corrupt("tree root out of range") }
        for i in 0..<n {
            if feature[i] >= 0 {
                guard Int(feature[i]) < featureCount, Int(leftChild[i]) > i, Int(leftChild[i]) + 1 < n,
                      Int(leftChild[i]) - i < 1 << 25, !threshold[i].isNaN
                else { throw .corrupt("node \(i) is malformed") }
            } else if feature[i] != -1 || leafSize[i] < 1 {
                throw .corrupt("leaf \(i) is malformed")
            }
        }
        try self.init(packing: maxSamples, featureCount: featureCount, roots: roots, feature: feature,
                      threshold: threshold, leftChild: leftChild, leafSize: leafSize)
    }

    /// A freshly grown forest: consistent by construction, so the file checks are skipped.
    private init(grownWith maxSamples: Int, featureCount: Int, roots: [Int32], feature: [Int32], threshold: [Double],
                 leftChild: [Int32], leafSize: [Int32]) {
        do {
            try self.init(packing: maxSamples, featureCount: featureCount, roots: roots, feature: feature,
                          threshold: threshold, leftChild: leftChild, leafSize: leafSize)
        } catch { preconditionFailure("grown forest is inconsistent: \(error)") }
    }

    /// Packs the four arrays into the compact ones: depth of every node from the roots (children
    /// always follow their parent, so one forward pass), rows per node (one backward pass).
    private init<I: RandomAccessCollection<Int32>, D: RandomAccessCollection<Double>>(
        packing maxSamples: Int, featureCount: Int, roots: [Int32], feature: I, threshold: D, leftChild: I, leafSize: I
    ) throws(ModelError) where I.Index == Int, D.Index == Int {
        let n = feature.count
        let f0 = feature.startIndex, t0 = threshold.startIndex, l0 = leftChild.startIndex, s0 = leafSize.startIndex
        var depth = [Int32](repeating: -1, count: n)
        for r in roots { depth[Int(r)] = 0 }
        var split = [Double](repeating: 0, count: n)
        var link = [UInt32](repeating: 0, count: n)
        var deepest: Int32 = 0
        for i in 0..<n {
            guard depth[i] >= 0 else { throw .corrupt("node \(i) is not reachable") }
            if feature[f0 + i] >= 0 {
                let l = Int(leftChild[l0 + i])
                depth[l] = depth[i] + 1
                depth[l + 1] = depth[i] + 1
                split[i] = threshold[t0 + i]
                link[i] = UInt32(feature[f0 + i]) | UInt32(l - i) << 7
            } else {
                guard Int(depth[i]) < Self.maxDepth else { throw .corrupt("a tree deeper than \(Self.maxDepth)") }
                split[i] = Double(bitPattern: Self.leafTag | UInt64(depth[i]) << 32 | UInt64(UInt32(leafSize[s0 + i])))
                deepest = max(deepest, depth[i])
            }
        }
        var size = [Int](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            if feature[f0 + i] >= 0 {
                let l = Int(leftChild[l0 + i])
                size[i] = size[l] + size[l + 1]
            } else {
                size[i] = Int(leafSize[s0 + i])
            }
        }
        let largest = size.max() ?? 0
        guard largest <= Int(UInt32.max) else { throw .corrupt("a node with more than 2³² rows") }
        var gain = [Float](repeating: 0, count: n)
        Self.log2Table.withUnsafeBufferPointer { logs in
            let logs = logs.baseAddress!
            for i in 0..<n where feature[f0 + i] >= 0 {
                let l = Int(leftChild[l0 + i])
                gain[l] = Float(Self.lg(size[i], logs) - Self.lg(size[l], logs))
                gain[l + 1] = Float(Self.lg(size[i], logs) - Self.lg(size[l + 1], logs))
            }
        }
        self.maxSamples = maxSamples
        self.featureCount = featureCount
        self.roots = roots
        self.split = split
        self.link = link
        self.gain = gain
        walkDepth = Int(deepest)
        normaliser = Double(roots.count) * AveragePathLength.c(maxSamples)
    }

    /// log₂ of a row count, as the attribution has always taken it (a table below `tableSize`).
    @inline(__always)
    private static func lg(_ k: Int, _ table: UnsafePointer<Double>) -> Double {
        k < tableSize ? table[k] : log2(Double(k))
    }

    /// Per leaf, the attribution of every row that ends there (2·featureCount floats: the bits of
    /// isolation per feature along the path, log₂(rows in the node / rows in the branch taken) for
    /// each split, then the part earned on right branches; docs/model.md, *Attribution*), and each
    /// node's row in it. Built for a batch of rows and dropped after: a row's attribution is then
    /// the sum of its leaves' rows, with no second walk. Each entry is added up from the leaf to the
    /// root, in Float, exactly as `explain` adds it for a single row.
    private func attributionTable() -> (table: [Float], slots: [Int32]) {
        let n = nodeCount, stride = attributionStride
        var slots = [Int32](repeating: 0, count: n)
        var parent = [Int32](repeating: -1, count: n)
        var leaves = 0
        for i in 0..<n {
            if !isLeaf(i) {
                let l = i + Int(link[i] >> 7)
                parent[l] = Int32(i)
                parent[l + 1] = Int32(i)
            } else {
                slots[i] = Int32(leaves)
                leaves += 1
            }
        }
        var table = [Float](repeating: 0, count: leaves * stride)
        table.withUnsafeMutableBufferPointer { table in
            for i in 0..<n where isLeaf(i) {
                let base = Int(slots[i]) * stride
                var child = i
                while parent[child] >= 0 {
                    let p = Int(parent[child]), f = Int(link[p] & 0x7F)
                    table[base + f] += gain[child]
                    if child == p + Int(link[p] >> 7) + 1 { table[base + featureCount + f] += gain[child] }
                    child = p
                }
            }
        }
        return (table, slots)
    }

    /// The depth limit scikit-learn uses for ψ rows: ⌈log₂ max(ψ, 2)⌉.
    package static func depthLimit(maxSamples: Int) -> Int {
        let m = max(maxSamples, 2)
        var depth = 0
        while (1 << depth) < m { depth += 1 }
        return depth
    }

    /// Grows `treeCount` trees on `rowCount` rows (row-major, `featureCount` values each, already
    /// scaled), each on `min(maxSamples, rowCount)` rows drawn without replacement.
    package static func fit(rows: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int,
                           treeCount: Int, maxSamples: Int, generator: inout Xoshiro256StarStar) -> IsolationForest {
        var unused: TrainingLeaves? = nil
        return fit(rows: rows, rowCount: rowCount, featureCount: featureCount, treeCount: treeCount,
                   maxSamples: maxSamples, generator: &generator, recordLeaves: false, leaves: &unused)
    }

    /// Where the training rows ended up, recorded while growing: per tree, the leaf of each of its
    /// ψ sampled rows (known without a walk) and the rows it did not sample (which must be walked).
    /// Lets `trainingPathLengthSums` skip about ψ walks per tree.
    struct TrainingLeaves {
        var psi: Int
        var rowCount: Int
        var sampledRow: [Int32]
        var sampledLeaf: [Int32]
        var unsampledRow: [Int32]
    }

    static func fit(rows: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int, treeCount: Int,
                    maxSamples: Int, generator: inout Xoshiro256StarStar, recordLeaves: Bool,
                    leaves: inout TrainingLeaves?) -> IsolationForest {
        precondition(rowCount >= 1 && featureCount >= 1 && treeCount >= 1 && maxSamples >= 1)
        precondition(rows.count >= rowCount * featureCount)
        let psi = min(maxSamples, rowCount)
        let limit = depthLimit(maxSamples: psi)
        // At most 2ψ − 1 nodes per tree; the arrays are cut to size at the end.
        let capacity = treeCount * (2 * psi - 1)
        var roots = [Int32](repeating: 0, count: treeCount)
        // Uninitialised: every node's fields are written when it is created or split.
        var feature = [Int32](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var threshold = [Double](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var leftChild = [Int32](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var leafSize = [Int32](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var nodeCount = 0

        var permutation = [Int32](unsafeUninitializedCapacity: rowCount) { b, n in
            for i in 0..<rowCount { b[i] = Int32(i) }
            n = rowCount
        }
        var sample = [Int32](repeating: 0, count: psi)
        let outside = rowCount - psi
        var sampledRow = [Int32](repeating: 0, count: recordLeaves ? treeCount * psi : 0)
        var sampledLeaf = [Int32](repeating: 0, count: recordLeaves ? treeCount * psi : 0)
        var unsampledRow = [Int32](repeating: 0, count: recordLeaves ? treeCount * outside : 0)
        var scratch = [Int32](repeating: 0, count: psi)
        var featureOrder = [Int32](repeating: 0, count: featureCount)
        // Pending nodes: (node index, start, end, depth) into `sample`.
        var stack = [(node: Int32, start: Int32, end: Int32, depth: Int32)](repeating: (0, 0, 0, 0), count: 2 * limit + 4)

        permutation.withUnsafeMutableBufferPointer { permutation in
        sample.withUnsafeMutableBufferPointer { sample in
        scratch.withUnsafeMutableBufferPointer { scratch in
        featureOrder.withUnsafeMutableBufferPointer { featureOrder in
        stack.withUnsafeMutableBufferPointer { stack in
        feature.withUnsafeMutableBufferPointer { feature in
        threshold.withUnsafeMutableBufferPointer { threshold in
        leftChild.withUnsafeMutableBufferPointer { leftChild in
        leafSize.withUnsafeMutableBufferPointer { leafSize in
        sampledRow.withUnsafeMutableBufferPointer { sampledRow in
        sampledLeaf.withUnsafeMutableBufferPointer { sampledLeaf in
            // A leaf's rows: record them (position s of the sample belongs to exactly one leaf).
            func record(_ tree: Int, _ node: Int, _ start: Int, _ end: Int, _ sample: UnsafeMutableBufferPointer<Int32>) {
                guard recordLeaves else { return }
                for s in start..<end {
                    sampledRow[tree &* psi &+ s] = sample[s]
                    sampledLeaf[tree &* psi &+ s] = Int32(node)
                }
            }
            for tree in 0..<treeCount {
                // ψ rows without replacement: a partial Fisher–Yates shuffle of the running permutation.
                for i in 0..<psi {
                    let j = i + generator.next(below: rowCount - i)
                    permutation.swapAt(i, j)
                    sample[i] = permutation[i]
                }
                if recordLeaves && outside > 0 {
                    unsampledRow.replaceSubrange((tree * outside)..<((tree + 1) * outside), with: permutation[psi...])
                }
                roots[tree] = Int32(nodeCount)
                Self.initialiseLeaf(nodeCount, feature, threshold, leftChild)
                stack[0] = (Int32(nodeCount), 0, Int32(psi), 0)
                var top = 1
                nodeCount += 1
                while top > 0 {
                    top -= 1
                    let item = stack[top]
                    let node = Int(item.node), start = Int(item.start), end = Int(item.end)
                    let size = end - start
                    leafSize[node] = Int32(size)
                    if size <= 1 || Int(item.depth) >= limit { record(tree, node, start, end, sample); continue }
                    // Draw features without replacement until one is not constant in this node.
                    for f in 0..<featureCount { featureOrder[f] = Int32(f) }
                    var remaining = featureCount
                    var chosen = -1
                    var low = 0.0, high = 0.0
                    while remaining > 0 {
                        let k = generator.next(below: remaining)
                        let f = Int(featureOrder[k])
                        remaining -= 1
                        featureOrder.swapAt(k, remaining)
                        var lo = Double.infinity, hi = -Double.infinity
                        for s in start..<end {
                            let v = rows[Int(sample[s]) &* featureCount &+ f]
                            lo = v < lo ? v : lo
                            hi = v > hi ? v : hi
                        }
                        if hi <= lo + constantFeatureThreshold { continue }
                        chosen = f; low = lo; high = hi
                        break
                    }
                    if chosen < 0 { record(tree, node, start, end, sample); continue }  // every feature constant: a leaf
                    var t = low + (high - low) * generator.nextDouble()
                    if t >= high { t = low }
                    // Branch-free out-of-place partition: rows with x <= t to the front of `scratch`,
                    // the others to its back (each row is written to both ends, one cursor moves).
                    var i = start, back = end
                    for j in start..<end {
                        let s = sample[j]
                        let goesLeft = Self.bit(rows[Int(s) &* featureCount &+ chosen] <= t)
                        scratch[i] = s
                        scratch[back &- 1] = s
                        i &+= goesLeft
                        back &-= 1 &- goesLeft
                    }
                    (sample.baseAddress! + start).update(from: scratch.baseAddress! + start, count: size)
                    let left = Int32(nodeCount)
                    Self.initialiseLeaf(nodeCount, feature, threshold, leftChild)
                    Self.initialiseLeaf(nodeCount + 1, feature, threshold, leftChild)
                    nodeCount += 2
                    feature[node] = Int32(chosen)
                    threshold[node] = t
                    leftChild[node] = left
                    leafSize[node] = 0
                    // Right first so the left subtree is finished first (depth-first, like scikit-learn).
                    stack[top] = (left + 1, Int32(i), item.end, item.depth + 1)
                    stack[top + 1] = (left, item.start, Int32(i), item.depth + 1)
                    top += 2
                }
            }
        }}}}}}}}}}}
        if recordLeaves {
            leaves = TrainingLeaves(psi: psi, rowCount: rowCount, sampledRow: sampledRow, sampledLeaf: sampledLeaf,
                                    unsampledRow: unsampledRow)
        }
        feature.removeLast(capacity - nodeCount)
        threshold.removeLast(capacity - nodeCount)
        leftChild.removeLast(capacity - nodeCount)
        leafSize.removeLast(capacity - nodeCount)
        return IsolationForest(grownWith: psi, featureCount: featureCount, roots: roots, feature: feature,
                               threshold: threshold, leftChild: leftChild, leafSize: leafSize)
    }

    @inline(__always)
    private static func initialiseLeaf(_ i: Int, _ feature: UnsafeMutableBufferPointer<Int32>,
                                       _ threshold: UnsafeMutableBufferPointer<Double>,
                                       _ leftChild: UnsafeMutableBufferPointer<Int32>) {
        feature[i] = -1
        threshold[i] = 0
        leftChild[i] = -1
    }

    /// Σ over the trees of h(x) for `rowCount` rows (row-major, `featureCount` apart), into `sums`.
    /// Tree by tree over all rows, so one tree's nodes stay in the L1 cache while every row walks it;
    /// each row's sum is still added in tree order, so results equal `pathLengthSum` bit for bit.
    package func pathLengthSums(_ rows: UnsafeBufferPointer<Double>, rowCount: Int, into sums: UnsafeMutableBufferPointer<Double>) {
        precondition(rows.count >= rowCount * featureCount && sums.count >= rowCount)
        for r in 0..<rowCount { sums[r] = 0 }
        guard rowCount > 0 else { return }
        let f = featureCount, depth = walkDepth
        withWalk { nodes, lengths in
            do {
                let x = rows.baseAddress!
                for root in roots {
                    Self.forEachRowLeaf(x, featureCount: f, rows: 0..<rowCount, root: Int(root), depth: depth, nodes) { r, n in
                        sums[r] += lengths[n]
                    }
                }
            }
        }
    }

    /// `pathLengthSums` for the very rows the forest was grown on, given the leaves recorded while
    /// growing: sampled rows take their leaf's path length directly, only the others are walked.
    /// Each row's sum is added in tree order, so the result equals `pathLengthSums` bit for bit.
    func trainingPathLengthSums(_ rows: UnsafeBufferPointer<Double>, leaves: TrainingLeaves,
                                into sums: UnsafeMutableBufferPointer<Double>) {
        let rowCount = leaves.rowCount, psi = leaves.psi, outside = rowCount - psi
        for r in 0..<rowCount { sums[r] = 0 }
        let f = featureCount, depth = walkDepth
        withWalk { nodes, lengths in
        leaves.sampledRow.withUnsafeBufferPointer { sampledRow in
        leaves.sampledLeaf.withUnsafeBufferPointer { sampledLeaf in
        leaves.unsampledRow.withUnsafeBufferPointer { unsampledRow in
            let x = rows.baseAddress!
            for (t, root) in roots.enumerated() {
                let root = Int(root)
                for k in (t * psi)..<((t + 1) * psi) { sums[Int(sampledRow[k])] += lengths[Int(sampledLeaf[k])] }
                var k = t * outside
                let end = k + outside
                while k &+ 4 <= end {
                    let r0 = Int(unsampledRow[k]), r1 = Int(unsampledRow[k &+ 1])
                    let r2 = Int(unsampledRow[k &+ 2]), r3 = Int(unsampledRow[k &+ 3])
                    let x0 = x + r0 &* f, x1 = x + r1 &* f, x2 = x + r2 &* f, x3 = x + r3 &* f
                    var n0 = root, n1 = root, n2 = root, n3 = root
                    for _ in 0..<depth {
                        n0 = Self.step(n0, x0, nodes); n1 = Self.step(n1, x1, nodes)
                        n2 = Self.step(n2, x2, nodes); n3 = Self.step(n3, x3, nodes)
                    }
                    sums[r0] += lengths[n0]; sums[r1] += lengths[n1]; sums[r2] += lengths[n2]; sums[r3] += lengths[n3]
                    k &+= 4
                }
                while k < end {
                    let r = Int(unsampledRow[k])
                    var n = root
                    for _ in 0..<depth { n = Self.step(n, x + r &* f, nodes) }
                    sums[r] += lengths[n]
                    k &+= 1
                }
            }
        }}}}
    }

    /// `score_samples` from a path-length sum (see `pathLengthSums`).
    @inline(__always)
    package func scoreSample(pathLengthSum: Double) -> Double {
        guard normaliser > 0 else { return -0.5 }
        return -exp2(-pathLengthSum / normaliser)
    }

    /// Mean over the trees of the path length of `x` (already scaled, `featureCount` values):
    /// E[h(x)] with h = depth of the leaf reached + c(leaf size). Allocation-free.
    @inline(__always)
    package func meanPathLength(_ x: UnsafeBufferPointer<Double>) -> Double {
        pathLengthSum(x) / Double(roots.count)
    }

    /// Σ over the trees of h(x), added in tree order as scikit-learn does.
    @inline(__always)
    package func pathLengthSum(_ x: UnsafeBufferPointer<Double>) -> Double {
        withWalk { nodes, lengths in
            roots.withUnsafeBufferPointer { roots in
                Self.walk(x.baseAddress!, nodes, lengths, roots, depth: walkDepth)
            }
        }
    }

    /// The walk's view of `split` and `link`: valid only inside `withWalk`.
    struct Nodes {
        let split: UnsafePointer<Double>
        let link: UnsafePointer<UInt32>
    }

    /// Path length of the leaf a walk ended on, from its `split` payload: depth + c(rows), the
    /// very sum the model has always used (c from `cTable`, or computed above its size).
    struct Lengths {
        let split: UnsafePointer<Double>
        let c: UnsafePointer<Double>

        @inline(__always)
        subscript(_ n: Int) -> Double {
            let bits = split[n].bitPattern
            let depth = Int(truncatingIfNeeded: (bits >> 32) & 0x7FFFF), rows = Int(truncatingIfNeeded: bits & 0xFFFF_FFFF)
            return Double(depth) + (rows < IsolationForest.tableSize ? c[rows] : AveragePathLength.c(rows))
        }
    }

    @inline(__always)
    private func withWalk<R>(_ body: (Nodes, Lengths) -> R) -> R {
        split.withUnsafeBufferPointer { split in
            link.withUnsafeBufferPointer { link in
                Self.cTable.withUnsafeBufferPointer { c in
                    body(Nodes(split: split.baseAddress!, link: link.baseAddress!),
                         Lengths(split: split.baseAddress!, c: c.baseAddress!))
                }
            }
        }
    }

    @inline(__always)
    private static func step(_ n: Int, _ x: UnsafePointer<Double>, _ nodes: Nodes) -> Int {
        let link = nodes.link[n]
        // `x > t` rather than `!(x <= t)`: a NaN (impossible from validated input) stays left, in
        // bounds; a leaf's NaN makes it false, so the walk stays on the leaf (its link is 0).
        return n &+ Int(link >> 7) &+ bit(x[Int(link & 0x7F)] > nodes.split[n])
    }

    /// 0 or 1 without a branch (the optimiser otherwise may emit an unpredictable jump here).
    @inline(__always)
    private static func bit(_ b: Bool) -> Int { Int(unsafeBitCast(b, to: UInt8.self)) }

    private static func walk(_ x: UnsafePointer<Double>, _ nodes: Nodes,
                             _ lengths: Lengths, _ roots: UnsafeBufferPointer<Int32>, depth: Int) -> Double {
        var total = 0.0
        forEachLeaf(x, nodes, roots, depth: depth) { total += lengths[$0] }
        return total
    }

    /// Calls `leaf` with the leaf x reaches in each tree, in tree order. Eight trees are walked in
    /// lockstep (their loads overlap), every walk `depth` branch-free steps.
    @inline(__always)
    private static func forEachLeaf(_ x: UnsafePointer<Double>, _ nodes: Nodes, _ roots: UnsafeBufferPointer<Int32>,
                                    depth: Int, _ leaf: (Int) -> Void) {
        var t = 0
        let count = roots.count
        while t &+ 8 <= count {
            var n0 = Int(roots[t]), n1 = Int(roots[t &+ 1]), n2 = Int(roots[t &+ 2]), n3 = Int(roots[t &+ 3])
            var n4 = Int(roots[t &+ 4]), n5 = Int(roots[t &+ 5]), n6 = Int(roots[t &+ 6]), n7 = Int(roots[t &+ 7])
            for _ in 0..<depth {
                n0 = step(n0, x, nodes); n1 = step(n1, x, nodes); n2 = step(n2, x, nodes); n3 = step(n3, x, nodes)
                n4 = step(n4, x, nodes); n5 = step(n5, x, nodes); n6 = step(n6, x, nodes); n7 = step(n7, x, nodes)
            }
            leaf(n0); leaf(n1); leaf(n2); leaf(n3); leaf(n4); leaf(n5); leaf(n6); leaf(n7)
            t &+= 8
        }
        while t < count {
            var n = Int(roots[t])
            for _ in 0..<depth { n = step(n, x, nodes) }
            leaf(n)
            t &+= 1
        }
    }

    /// Calls `leaf(r, n)` for every row r of `rows` (`featureCount` values each, from `x`) with the
    /// leaf n it reaches in the tree at `root`, in row order. Eight rows, then four, walk in
    /// lockstep (their loads overlap), every walk `depth` branch-free steps.
    @inline(__always)
    private static func forEachRowLeaf(_ x: UnsafePointer<Double>, featureCount f: Int, rows: Range<Int>, root: Int,
                                       depth: Int, _ nodes: Nodes, _ leaf: (Int, Int) -> Void) {
        var r = rows.lowerBound
        let end = rows.upperBound
        while r &+ 8 <= end {
            let x0 = x + r &* f, x1 = x0 + f, x2 = x1 + f, x3 = x2 + f
            let x4 = x3 + f, x5 = x4 + f, x6 = x5 + f, x7 = x6 + f
            var n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root
            for _ in 0..<depth {
                n0 = step(n0, x0, nodes); n1 = step(n1, x1, nodes); n2 = step(n2, x2, nodes); n3 = step(n3, x3, nodes)
                n4 = step(n4, x4, nodes); n5 = step(n5, x5, nodes); n6 = step(n6, x6, nodes); n7 = step(n7, x7, nodes)
            }
            leaf(r, n0); leaf(r &+ 1, n1); leaf(r &+ 2, n2); leaf(r &+ 3, n3)
            leaf(r &+ 4, n4); leaf(r &+ 5, n5); leaf(r &+ 6, n6); leaf(r &+ 7, n7)
            r &+= 8
        }
        while r &+ 4 <= end {
            let x0 = x + r &* f, x1 = x0 + f, x2 = x1 + f, x3 = x2 + f
            var n0 = root, n1 = root, n2 = root, n3 = root
            for _ in 0..<depth {
                n0 = step(n0, x0, nodes); n1 = step(n1, x1, nodes); n2 = step(n2, x2, nodes); n3 = step(n3, x3, nodes)
            }
            leaf(r, n0); leaf(r &+ 1, n1); leaf(r &+ 2, n2); leaf(r &+ 3, n3)
            r &+= 4
        }
        while r < end {
            var n = root
            for _ in 0..<depth { n = step(n, x + r &* f, nodes) }
            leaf(r, n)
            r &+= 1
        }
    }

    /// Σ over the trees of h(x), like `pathLengthSum` (bit for bit: the same leaves added in tree
    /// order), while adding up the attribution of each leaf reached: `bits[f]` gets the bits of
    /// isolation of every split on feature f along x's paths, `rights[f]` the part earned on right
    /// branches (x above the threshold). Both buffers are `featureCount` long and are overwritten.
    /// Allocation-free. Each leaf's entry is added up from the leaf to the root along the path just
    /// walked, in Float, then added to the row's Float sums — exactly what `explainSums` adds from
    /// its table, so the two agree bit for bit. A forest that kept its table (`keepAttributionTable`)
    /// reads each leaf's row from it instead.
    package func explain(_ x: UnsafeBufferPointer<Double>, bits: UnsafeMutableBufferPointer<Double>,
                         rights: UnsafeMutableBufferPointer<Double>) -> Double {
        if let keptTable { return explain(x, bits: bits, rights: rights, table: keptTable) }
        let f = featureCount, stride = attributionStride, depth = walkDepth, span = depth + 1
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * stride) { buffer in
            let sum = buffer.baseAddress!, entry = buffer.baseAddress! + stride
            for k in 0..<stride { sum[k] = 0 }
            let total = withUnsafeTemporaryAllocation(of: Int.self, capacity: 8 * span) { paths in
                withWalk { nodes, lengths in
                    gain.withUnsafeBufferPointer { gain in
                        roots.withUnsafeBufferPointer { roots in
                            let gain = gain.baseAddress!, x = x.baseAddress!, paths = paths.baseAddress!
                            /// The tree whose walk is recorded at `path`: its path length, and its
                            /// leaf's entry added up from the leaf to the root, then to `sum`.
                            @inline(__always) func credit(_ path: UnsafeMutablePointer<Int>) -> Double {
                                for k in 0..<stride { entry[k] = 0 }
                                var k = depth
                                while k > 0 {
                                    let p = path[k &- 1], child = path[k]
                                    k &-= 1
                                    if p == child { continue }  // the walk stayed on the leaf
                                    let link = nodes.link[p], feature = Int(link & 0x7F), g = gain[child]
                                    entry[feature] += g
                                    if child == p &+ Int(link >> 7) &+ 1 { entry[f &+ feature] += g }
                                }
                                for k in 0..<stride { sum[k] += entry[k] }
                                return lengths[path[depth]]
                            }
                            var total = 0.0
                            var t = 0
                            let count = roots.count
                            // Eight trees in lockstep (their loads overlap), then credited in tree order.
                            while t &+ 8 <= count {
                                for j in 0..<8 { paths[j &* span] = Int(roots[t &+ j]) }
                                for k in 0..<depth {
                                    for j in 0..<8 {
                                        let at = j &* span &+ k
                                        paths[at &+ 1] = Self.step(paths[at], x, nodes)
                                    }
                                }
                                for j in 0..<8 { total += credit(paths + j &* span) }
                                t &+= 8
                            }
                            while t < count {
                                paths[0] = Int(roots[t])
                                for k in 0..<depth { paths[k &+ 1] = Self.step(paths[k], x, nodes) }
                                total += credit(paths)
                                t &+= 1
                            }
                            return total
                        }
                    }
                }
            }
            for k in 0..<f { bits[k] = Double(sum[k]); rights[k] = Double(sum[f + k]) }
            return total
        }
    }

    /// `explain` with a kept table: per tree, the walk to the leaf and its table row added to the
    /// sums, in tree order — the additions the path walk makes, so the same values bit for bit.
    private func explain(_ x: UnsafeBufferPointer<Double>, bits: UnsafeMutableBufferPointer<Double>,
                         rights: UnsafeMutableBufferPointer<Double>, table kept: LeafTable) -> Double {
        let f = featureCount, stride = attributionStride, depth = walkDepth
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { buffer in
            let sum = buffer.baseAddress!
            for k in 0..<stride { sum[k] = 0 }
            let total = withWalk { nodes, lengths in
                kept.table.withUnsafeBufferPointer { table in
                    kept.slots.withUnsafeBufferPointer { slots in
                        roots.withUnsafeBufferPointer { roots in
                            let x = x.baseAddress!, table = table.baseAddress!, slots = slots.baseAddress!
                            var total = 0.0
                            Self.forEachLeaf(x, nodes, roots, depth: depth) { n in
                                total += lengths[n]
                                Self.addRow(Int(slots[n]), table, stride, sum)
                            }
                            return total
                        }
                    }
                }
            }
            for k in 0..<f { bits[k] = Double(sum[k]); rights[k] = Double(sum[f + k]) }
            return total
        }
    }

    /// `pathLengthSums` that also adds up each row's leaf attributions into `attribution`
    /// (`attributionStride` floats per row: bits, then right-branch bits, then padding; overwritten). Each row's
    /// sums are added in tree order, so they equal `pathLengthSums` and `explain` bit for bit. The
    /// tables it reads (`BatchWalk`) are built for the call and dropped after it.
    package func explainSums(_ rows: UnsafeBufferPointer<Double>, rowCount: Int, into sums: UnsafeMutableBufferPointer<Double>,
                             attribution: UnsafeMutableBufferPointer<Float>) {
        explainSums(rows, rowCount: rowCount, into: sums, attribution: attribution, walk: BatchWalk(self))
    }

    /// What a walk over many rows reads besides the nodes, built once per call (for all the pieces
    /// of a walk on two threads): the per-leaf attribution rows and each node's row in them
    /// (`attributionTable`, or the kept one), each leaf's path length by row (read beside its
    /// attribution, instead of decoded from the leaf's payload per row), and `groupWords`.
    private struct BatchWalk: @unchecked Sendable {
        let table: [Float]
        let slots: [Int32]
        let leafLength: [Double]
        /// Per node: the feature's byte offset in a group of `interleave` (feature · 64) in the low
        /// 16 bits, the distance to the left child in the high 16 (a leaf: 0). Nil when a distance
        /// needs more than 16 bits (trees grown on over 32 768 rows): such a forest is walked row-major.
        let groupWords: [UInt32]?

        init(_ forest: IsolationForest) {
            let (table, slots) = forest.keptTable.map { ($0.table, $0.slots) } ?? forest.attributionTable()
            var leafLength = [Double](repeating: 0, count: table.count / forest.attributionStride)
            var words: [UInt32]? = [UInt32](repeating: 0, count: forest.nodeCount)
            forest.withWalk { _, lengths in
                for i in 0..<forest.nodeCount {
                    if forest.isLeaf(i) {
                        leafLength[Int(slots[i])] = lengths[i]
                    } else if words != nil {
                        let link = forest.link[i], left = link >> 7
                        if left <= 0xFFFF { words![i] = left << 16 | (link & 0x7F) << 6 } else { words = nil }
                    }
                }
            }
            self.table = table
            self.slots = slots
            self.leafLength = leafLength
            groupWords = words
        }
    }

    /// `explainSums` with its tables given.
    private func explainSums(_ rows: UnsafeBufferPointer<Double>, rowCount: Int, into sums: UnsafeMutableBufferPointer<Double>,
                             attribution: UnsafeMutableBufferPointer<Float>, walk: BatchWalk) {
        let f = featureCount, width = attributionStride, depth = walkDepth
        precondition(rows.count >= rowCount * f && sums.count >= rowCount && attribution.count >= rowCount * width)
        for r in 0..<rowCount { sums[r] = 0 }
        for k in 0..<(rowCount * width) { attribution[k] = 0 }
        guard rowCount > 0 else { return }
        withWalk { nodes, _ in
        walk.table.withUnsafeBufferPointer { table in
        walk.slots.withUnsafeBufferPointer { slots in
        walk.leafLength.withUnsafeBufferPointer { leafLength in
        (walk.groupWords ?? []).withUnsafeBytes { words in
        // Blocks of rows, all trees per block: the block's accumulators stay in cache (tree by
        // tree over all rows would stream the whole attribution array once per tree).
        let block = 256
        withUnsafeTemporaryAllocation(of: Double.self, capacity: block * f) { lanes in
            let x = rows.baseAddress!, lanes = lanes.baseAddress!
            let table = table.baseAddress!, slots = slots.baseAddress!, leafLength = leafLength.baseAddress!
            let out = attribution.baseAddress!
            @inline(__always) func add(_ r: Int, _ n: Int) {
                let slot = Int(slots[n])
                sums[r] += leafLength[slot]
                Self.addRow(slot, table, width, out + r &* width)
            }
            var first = 0
            while first < rowCount {
                let last = min(first + block, rowCount)
                // Groups of eight rows, interleaved (when the forest's words fit), then the rest row-major.
                let groups = walk.groupWords == nil ? 0 : (last - first) / 8
                if groups > 0 { Self.interleave(x + first * f, featureCount: f, groups: groups, into: lanes) }
                let rest = first + groups * 8
                for root in roots {
                    if groups > 0 {
                        Self.forEachGroupLeaf(lanes, featureCount: f, groups: groups, first: first, root: Int(root),
                                              depth: depth, words.baseAddress!, nodes.split, add)
                    }
                    if rest < last {
                        Self.forEachRowLeaf(x, featureCount: f, rows: rest..<last, root: Int(root), depth: depth, nodes, add)
                    }
                }
                first = last
            }
        }}}}}}
    }

    /// Adds table row `slot` to `sum` (`stride` floats, a multiple of 4), four at a time.
    @inline(__always)
    private static func addRow(_ slot: Int, _ table: UnsafePointer<Float>, _ stride: Int, _ sum: UnsafeMutablePointer<Float>) {
        let entry = UnsafeRawPointer(table + slot &* stride), target = UnsafeMutableRawPointer(sum)
        var k = 0
        while k < stride {
            let offset = k &* 4
            let v = target.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
                + entry.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            target.storeBytes(of: v, toByteOffset: offset, as: SIMD4<Float>.self)
            k &+= 4
        }
    }

    /// Rows in groups of eight, each group feature by feature: value `feature` of row `lane` of
    /// group g at `lanes[(g · featureCount + feature) · 8 + lane]`, so the eight walks of a group
    /// address their values from one register (row-major, each needs a row pointer of its own,
    /// and eight of those do not fit in the registers beside the eight nodes).
    @inline(__always)
    private static func interleave(_ x: UnsafePointer<Double>, featureCount f: Int, groups: Int,
                                   into lanes: UnsafeMutablePointer<Double>) {
        for g in 0..<groups {
            let rows = x + g &* 8 &* f, out = lanes + g &* 8 &* f
            for lane in 0..<8 {
                for feature in 0..<f { out[feature &* 8 &+ lane] = rows[lane &* f &+ feature] }
            }
        }
    }

    /// One step of the walk of lane `lane` of a group laid out by `interleave`, from
    /// `BatchWalk.groupWords`: two 16-bit loads give the value's byte offset in the group and the
    /// distance to the left child, with no shifting or masking.
    @inline(__always)
    private static func step(_ n: Int, _ group: UnsafeRawPointer, lane: Int, _ words: UnsafeRawPointer,
                             _ split: UnsafePointer<Double>) -> Int {
        let offset = Int(words.load(fromByteOffset: n &<< 2, as: UInt16.self))
        let left = Int(words.load(fromByteOffset: n &<< 2 &+ 2, as: UInt16.self))
        let x = group.load(fromByteOffset: offset &+ lane &<< 3, as: Double.self)
        return n &+ left &+ bit(x > split[n])
    }

    /// `forEachRowLeaf` for `groups` groups of eight rows laid out by `interleave` (row
    /// `first + 8g + lane` is lane `lane` of group g): the same leaves, in the same row order.
    @inline(__always)
    private static func forEachGroupLeaf(_ lanes: UnsafePointer<Double>, featureCount f: Int, groups: Int, first: Int,
                                         root: Int, depth: Int, _ words: UnsafeRawPointer, _ split: UnsafePointer<Double>,
                                         _ leaf: (Int, Int) -> Void) {
        for g in 0..<groups {
            let x = UnsafeRawPointer(lanes + g &* 8 &* f)
            var n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root
            for _ in 0..<depth {
                n0 = step(n0, x, lane: 0, words, split); n1 = step(n1, x, lane: 1, words, split)
                n2 = step(n2, x, lane: 2, words, split); n3 = step(n3, x, lane: 3, words, split)
                n4 = step(n4, x, lane: 4, words, split); n5 = step(n5, x, lane: 5, words, split)
                n6 = step(n6, x, lane: 6, words, split); n7 = step(n7, x, lane: 7, words, split)
            }
            let r = first &+ g &* 8
            leaf(r, n0); leaf(r &+ 1, n1); leaf(r &+ 2, n2); leaf(r &+ 3, n3)
            leaf(r &+ 4, n4); leaf(r &+ 5, n5); leaf(r &+ 6, n6); leaf(r &+ 7, n7)
        }
    }

    /// `explainSums` on two threads (batch mode's training walk): the rows in pieces of a few
    /// thousand (multiples of the 256-row block; small, so the last piece keeps the other thread waiting little), which the calling thread and a second one take in
    /// turn until none is left, so a thread that gets less of the machine (other work on the
    /// cores) does fewer pieces instead of holding the other up. Each row's sums depend on that row
    /// alone, so the result is the same bit for bit as one thread's. Below 8,192 rows one thread
    /// does it all.
    package func explainSumsOnTwoThreads(_ rows: UnsafeBufferPointer<Double>, rowCount: Int,
                                         into sums: UnsafeMutableBufferPointer<Double>,
                                         attribution: UnsafeMutableBufferPointer<Float>) {
        let f = featureCount, w = attributionStride
        guard rowCount >= 8_192 else {
            explainSums(rows, rowCount: rowCount, into: sums, attribution: attribution)
            return
        }
        precondition(rows.count >= rowCount * f && sums.count >= rowCount && attribution.count >= rowCount * w)
        let job = Pieces(forest: self, rows: rows, rowCount: rowCount, sums: sums, attribution: attribution,
                         walk: BatchWalk(self), piece: max(4_096, (rowCount / 48) & ~255))
        let worker = DedicatedThread(handing: job) { job in job.run() }
        job.run()
        worker.join()
    }

    /// The pieces of `explainSumsOnTwoThreads`: each thread claims the next piece from `next` and
    /// fills that piece's slices of the caller's buffers, which no other thread touches; the
    /// caller reads them only after joining the second thread.
    private final class Pieces: @unchecked Sendable {
        let forest: IsolationForest
        let rows: UnsafeBufferPointer<Double>
        let rowCount: Int
        let sums: UnsafeMutableBufferPointer<Double>
        let attribution: UnsafeMutableBufferPointer<Float>
        let walk: BatchWalk
        let piece: Int
        let next = Atomic<Int>(0)

        init(forest: IsolationForest, rows: UnsafeBufferPointer<Double>, rowCount: Int, sums: UnsafeMutableBufferPointer<Double>,
             attribution: UnsafeMutableBufferPointer<Float>, walk: BatchWalk, piece: Int) {
            self.forest = forest
            self.rows = rows
            self.rowCount = rowCount
            self.sums = sums
            self.attribution = attribution
            self.walk = walk
            self.piece = piece
        }

        func run() {
            let f = forest.featureCount, w = forest.attributionStride
            while true {
                let first = next.add(1, ordering: .relaxed).oldValue * piece
                guard first < rowCount else { return }
                let last = min(first + piece, rowCount)
                forest.explainSums(UnsafeBufferPointer(rebasing: rows[(first * f)..<(last * f)]), rowCount: last - first,
                                   into: UnsafeMutableBufferPointer(rebasing: sums[first..<last]),
                                   attribution: UnsafeMutableBufferPointer(rebasing: attribution[(first * w)..<(last * w)]),
                                   walk: walk)
            }
        }
    }

    /// scikit-learn's `score_samples`: −2^(−E[h(x)]/c(ψ)), in [−1, 0); lower = more anomalous.
    /// With ψ = 1 (c(ψ) = 0) scikit-learn's convention gives −0.5.
    @inline(__always)
    package func scoreSample(_ x: UnsafeBufferPointer<Double>) -> Double {
        scoreSample(pathLengthSum: pathLengthSum(x))
    }
}
