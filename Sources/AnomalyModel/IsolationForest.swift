import BNCCore

/// scikit-learn's `IsolationForest` trees (DESIGN.md §4), grown and stored flat.
///
/// Every node of every tree lives in four parallel arrays — `feature`, `threshold`, `leftChild`,
/// `leafSize` — which are what a model file stores. A node's children are allocated as a pair, so
/// the right child is `leftChild + 1`; a leaf has `feature == -1`.
///
/// For scoring, the arrays are also packed into one array of 16-byte nodes in which a leaf points to
/// itself with threshold +∞ (so `x <= +∞` keeps it there). Every walk then takes exactly
/// `walkDepth` branch-free steps, and eight trees are walked in lockstep so their memory loads
/// overlap; the leaf reached is looked up in `leafPathLength` (depth + c(leaf size)). Scoring uses
/// unsafe buffers only: no allocation, no recursion, no reference counting per row.
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
    package private(set) var feature: [Int32]
    package private(set) var threshold: [Double]
    package private(set) var leftChild: [Int32]
    package private(set) var leafSize: [Int32]
    /// depth + c(leafSize) for leaves (0 for inner nodes), derived from the arrays above.
    package private(set) var leafPathLength: [Double]
    /// T · c(ψ), the denominator of the score's exponent.
    package private(set) var normaliser: Double
    /// The deepest leaf: every scoring walk takes this many steps.
    package private(set) var walkDepth: Int
    private var packed: [PackedNode]
    /// Per leaf (`leafSlot`), the attribution of every row that ends there: 2·featureCount
    /// floats, the bits of isolation per feature along the path (log₂(rows in the node / rows in
    /// the branch taken) for each split), then the part of them earned on right branches (docs/model.md,
    /// *Attribution*). A leaf's path is fixed, so a row's attribution is the sum of its leaves'
    /// entries: no second walk, no branches. Derived, never stored; about 48 bytes per leaf with
    /// five features.
    private var leafAttribution: [Float]
    /// Node → its row in `leafAttribution` (inner nodes: 0, never read).
    private var leafSlot: [Int32]

    /// Floats per row of `leafAttribution` and of `explainSums`' output: 2·featureCount (bits,
    /// then right-branch bits), padded with zeros to a multiple of 4 so rows add as SIMD4 vectors.
    package var attributionStride: Int { (2 * featureCount + 3) & ~3 }

    struct PackedNode: Sendable, Equatable {
        var threshold: Double
        var feature: Int32
        var next: Int32
    }

    /// scikit-learn's `FEATURE_THRESHOLD`: a feature whose range in a node is at most this is constant there.
    package static let constantFeatureThreshold = 1e-7

    package var treeCount: Int { roots.count }
    package var nodeCount: Int { feature.count }

    package static func == (a: Self, b: Self) -> Bool {
        a.maxSamples == b.maxSamples && a.featureCount == b.featureCount && a.roots == b.roots && a.feature == b.feature
            && a.threshold.elementsEqual(b.threshold, by: { $0.bitPattern == $1.bitPattern })
            && a.leftChild == b.leftChild && a.leafSize == b.leafSize
    }

    /// Rebuilds a forest from its stored arrays (a model file); checks they are consistent.
    package init(maxSamples: Int, featureCount: Int, roots: [Int32], feature: [Int32], threshold: [Double],
                leftChild: [Int32], leafSize: [Int32]) throws(ModelError) {
        let n = feature.count
        guard maxSamples >= 1, featureCount >= 1, !roots.isEmpty, threshold.count == n, leftChild.count == n,
              leafSize.count == n, n < Int(Int32.max)
        else { throw .corrupt("inconsistent forest arrays") }
        for r in roots where r < 0 || Int(r) >= n { throw .corrupt("tree root out of range") }
        for i in 0..<n {
            if feature[i] >= 0 {
                guard Int(feature[i]) < featureCount, Int(leftChild[i]) > i, Int(leftChild[i]) + 1 < n,
                      !threshold[i].isNaN
                else { throw .corrupt("node \(i) is malformed") }
            } else if feature[i] != -1 || leafSize[i] < 1 {
                throw .corrupt("leaf \(i) is malformed")
            }
        }
        self.init(storing: maxSamples, featureCount: featureCount, roots: roots, feature: feature,
                  threshold: threshold, leftChild: leftChild, leafSize: leafSize)
        try prepareForScoring()
    }

    /// A freshly grown forest: consistent by construction, so the file checks are skipped.
    private init(grownWith maxSamples: Int, featureCount: Int, roots: [Int32], feature: [Int32], threshold: [Double],
                 leftChild: [Int32], leafSize: [Int32]) {
        self.init(storing: maxSamples, featureCount: featureCount, roots: roots, feature: feature,
                  threshold: threshold, leftChild: leftChild, leafSize: leafSize)
        do { try prepareForScoring() } catch { preconditionFailure("grown forest is inconsistent: \(error)") }
    }

    /// Stores the tree arrays; `prepareForScoring()` must run before the forest scores.
    private init(storing maxSamples: Int, featureCount: Int, roots: [Int32], feature: [Int32], threshold: [Double],
                 leftChild: [Int32], leafSize: [Int32]) {
        self.maxSamples = maxSamples
        self.featureCount = featureCount
        self.roots = roots
        self.feature = feature
        self.threshold = threshold
        self.leftChild = leftChild
        self.leafSize = leafSize
        self.leafPathLength = []
        self.normaliser = 0
        self.walkDepth = 0
        self.packed = []
        self.leafAttribution = []
        self.leafSlot = []
    }

    /// Depth of every node from the roots, then `depth + c(leafSize)` at the leaves and the packed
    /// scoring nodes. Children always follow their parent in the arrays, so one forward pass suffices.
    private mutating func prepareForScoring() throws(ModelError) {
        let n = feature.count
        var depth = [Int32](repeating: -1, count: n)
        for r in roots { depth[Int(r)] = 0 }
        var lengths = [Double](repeating: 0, count: n)
        var nodes = [PackedNode](repeating: PackedNode(threshold: .infinity, feature: 0, next: 0), count: n)
        var deepest: Int32 = 0
        for i in 0..<n {
            guard depth[i] >= 0 else { throw .corrupt("node \(i) is not reachable") }
            if feature[i] >= 0 {
                let l = Int(leftChild[i])
                depth[l] = depth[i] + 1
                depth[l + 1] = depth[i] + 1
                nodes[i] = PackedNode(threshold: threshold[i], feature: feature[i], next: leftChild[i])
            } else {
                lengths[i] = Double(depth[i]) + AveragePathLength.c(Int(leafSize[i]))
                nodes[i] = PackedNode(threshold: .infinity, feature: 0, next: Int32(i))
                deepest = max(deepest, depth[i])
            }
        }
        // Rows per node: a leaf's own count, an inner node's the sum of its children's (which
        // follow it in the arrays, so one backward pass suffices).
        var size = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            if feature[i] >= 0 {
                let l = Int(leftChild[i])
                size[i] = size[l] + size[l + 1]
            } else {
                size[i] = Double(leafSize[i])
            }
        }
        // Each leaf's row: walk up to the root, crediting every split on the way. Gains come from a
        // table of log₂ of the (integer) row counts, so no logarithm is taken per split.
        let width = 2 * featureCount, stride = (width + 3) & ~3
        var slots = [Int32](repeating: 0, count: n)
        var parent = [Int32](repeating: -1, count: n)
        var leaves = 0
        var largest = 1
        for i in 0..<n {
            if feature[i] >= 0 {
                let l = Int(leftChild[i])
                parent[l] = Int32(i)
                parent[l + 1] = Int32(i)
            } else {
                slots[i] = Int32(leaves)
                leaves += 1
            }
            largest = max(largest, Int(size[i]))
        }
        // (A damaged model file could claim huge leaves: then no table, a logarithm per split.)
        let tabulated = largest <= 1 << 20
        var logs = [Double](repeating: 0, count: tabulated ? largest + 1 : 0)
        if tabulated { for k in 1...largest { logs[k] = log2(Double(k)) } }
        @inline(__always) func lg(_ x: Double) -> Double { tabulated ? logs[Int(x)] : log2(x) }
        var table = [Float](repeating: 0, count: leaves * stride)
        table.withUnsafeMutableBufferPointer { table in
            for i in 0..<n where feature[i] < 0 {
                let base = Int(slots[i]) * stride
                var child = i
                while parent[child] >= 0 {
                    let p = Int(parent[child]), f = Int(feature[p])
                    let gain = Float(lg(size[p]) - lg(size[child]))
                    table[base + f] += gain
                    if child == Int(leftChild[p]) + 1 { table[base + featureCount + f] += gain }
                    child = p
                }
            }
        }
        leafPathLength = lengths
        packed = nodes
        leafAttribution = table
        leafSlot = slots
        walkDepth = Int(deepest)
        normaliser = Double(roots.count) * AveragePathLength.c(maxSamples)
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
        packed.withUnsafeBufferPointer { nodes in
            leafPathLength.withUnsafeBufferPointer { lengths in
                let nodes = nodes.baseAddress!, lengths = lengths.baseAddress!, x = rows.baseAddress!
                for root in roots {
                    let root = Int(root)
                    var r = 0
                    while r &+ 8 <= rowCount {
                        let x0 = x + r &* f, x1 = x0 + f, x2 = x1 + f, x3 = x2 + f
                        let x4 = x3 + f, x5 = x4 + f, x6 = x5 + f, x7 = x6 + f
                        var n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root
                        for _ in 0..<depth {
                            n0 = Self.step(n0, x0, nodes); n1 = Self.step(n1, x1, nodes)
                            n2 = Self.step(n2, x2, nodes); n3 = Self.step(n3, x3, nodes)
                            n4 = Self.step(n4, x4, nodes); n5 = Self.step(n5, x5, nodes)
                            n6 = Self.step(n6, x6, nodes); n7 = Self.step(n7, x7, nodes)
                        }
                        sums[r] += lengths[n0]; sums[r &+ 1] += lengths[n1]
                        sums[r &+ 2] += lengths[n2]; sums[r &+ 3] += lengths[n3]
                        sums[r &+ 4] += lengths[n4]; sums[r &+ 5] += lengths[n5]
                        sums[r &+ 6] += lengths[n6]; sums[r &+ 7] += lengths[n7]
                        r &+= 8
                    }
                    while r &+ 4 <= rowCount {
                        let x0 = x + r &* f, x1 = x0 + f, x2 = x1 + f, x3 = x2 + f
                        var n0 = root, n1 = root, n2 = root, n3 = root
                        for _ in 0..<depth {
                            n0 = Self.step(n0, x0, nodes); n1 = Self.step(n1, x1, nodes)
                            n2 = Self.step(n2, x2, nodes); n3 = Self.step(n3, x3, nodes)
                        }
                        sums[r] += lengths[n0]; sums[r &+ 1] += lengths[n1]
                        sums[r &+ 2] += lengths[n2]; sums[r &+ 3] += lengths[n3]
                        r &+= 4
                    }
                    while r < rowCount {
                        var n = root
                        for _ in 0..<depth { n = Self.step(n, x + r &* f, nodes) }
                        sums[r] += lengths[n]
                        r &+= 1
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
        packed.withUnsafeBufferPointer { nodes in
        leafPathLength.withUnsafeBufferPointer { lengths in
        leaves.sampledRow.withUnsafeBufferPointer { sampledRow in
        leaves.sampledLeaf.withUnsafeBufferPointer { sampledLeaf in
        leaves.unsampledRow.withUnsafeBufferPointer { unsampledRow in
            let nodes = nodes.baseAddress!, lengths = lengths.baseAddress!, x = rows.baseAddress!
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
        }}}}}
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
        packed.withUnsafeBufferPointer { nodes in
            leafPathLength.withUnsafeBufferPointer { lengths in
                roots.withUnsafeBufferPointer { roots in
                    Self.walk(x.baseAddress!, nodes.baseAddress!, lengths.baseAddress!, roots, depth: walkDepth)
                }
            }
        }
    }

    @inline(__always)
    private static func step(_ n: Int, _ x: UnsafePointer<Double>, _ nodes: UnsafePointer<PackedNode>) -> Int {
        let node = nodes[n]
        // `x > t` rather than `!(x <= t)`: a NaN (impossible from validated input) stays left, in bounds.
        return Int(node.next) &+ bit(x[Int(node.feature)] > node.threshold)
    }

    /// 0 or 1 without a branch (the optimiser otherwise may emit an unpredictable jump here).
    @inline(__always)
    private static func bit(_ b: Bool) -> Int { Int(unsafeBitCast(b, to: UInt8.self)) }

    private static func walk(_ x: UnsafePointer<Double>, _ nodes: UnsafePointer<PackedNode>,
                             _ lengths: UnsafePointer<Double>, _ roots: UnsafeBufferPointer<Int32>, depth: Int) -> Double {
        var total = 0.0
        var t = 0
        let count = roots.count
        while t &+ 8 <= count {
            var n0 = Int(roots[t]), n1 = Int(roots[t &+ 1]), n2 = Int(roots[t &+ 2]), n3 = Int(roots[t &+ 3])
            var n4 = Int(roots[t &+ 4]), n5 = Int(roots[t &+ 5]), n6 = Int(roots[t &+ 6]), n7 = Int(roots[t &+ 7])
            for _ in 0..<depth {
                n0 = step(n0, x, nodes); n1 = step(n1, x, nodes); n2 = step(n2, x, nodes); n3 = step(n3, x, nodes)
                n4 = step(n4, x, nodes); n5 = step(n5, x, nodes); n6 = step(n6, x, nodes); n7 = step(n7, x, nodes)
            }
            total += lengths[n0]; total += lengths[n1]; total += lengths[n2]; total += lengths[n3]
            total += lengths[n4]; total += lengths[n5]; total += lengths[n6]; total += lengths[n7]
            t &+= 8
        }
        while t < count {
            var n = Int(roots[t])
            for _ in 0..<depth { n = step(n, x, nodes) }
            total += lengths[n]
            t &+= 1
        }
        return total
    }

    /// Σ over the trees of h(x), like `pathLengthSum` (bit for bit: the same leaves added in tree
    /// order), while adding up the leaves' attributions (`leafAttribution`): `bits[f]` gets the
    /// bits of isolation of every split on feature f along x's paths, `rights[f]` the part earned
    /// on right branches (x above the threshold). Both buffers are `featureCount` long and are
    /// overwritten. Allocation-free and branch-free: eight trees in lockstep, as `pathLengthSum`.
    @inline(__always)
    package func explain(_ x: UnsafeBufferPointer<Double>, bits: UnsafeMutableBufferPointer<Double>,
                         rights: UnsafeMutableBufferPointer<Double>) -> Double {
        let f = featureCount, stride = attributionStride
        // Added up in Float, leaf by leaf in tree order, exactly as `explainSums` does.
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { sum in
            for k in 0..<stride { sum[k] = 0 }
            let total = packed.withUnsafeBufferPointer { nodes in
                leafPathLength.withUnsafeBufferPointer { lengths in
                    leafAttribution.withUnsafeBufferPointer { table in
                        leafSlot.withUnsafeBufferPointer { slots in
                            roots.withUnsafeBufferPointer { roots in
                                Self.explainWalk(x.baseAddress!, nodes.baseAddress!, lengths.baseAddress!, roots, depth: walkDepth,
                                                 table.baseAddress!, slots.baseAddress!, stride, sum.baseAddress!)
                            }
                        }
                    }
                }
            }
            for k in 0..<f { bits[k] = Double(sum[k]); rights[k] = Double(sum[f + k]) }
            return total
        }
    }

    /// Adds leaf `n`'s table row to `sum` (`stride` floats, a multiple of 4), four at a time.
    @inline(__always)
    private static func addLeaf(_ n: Int, _ table: UnsafePointer<Float>, _ slots: UnsafePointer<Int32>, _ stride: Int,
                                _ sum: UnsafeMutablePointer<Float>) {
        let entry = UnsafeRawPointer(table + Int(slots[n]) &* stride), target = UnsafeMutableRawPointer(sum)
        var k = 0
        while k < stride {
            let offset = k &* 4
            let v = target.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
                + entry.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            target.storeBytes(of: v, toByteOffset: offset, as: SIMD4<Float>.self)
            k &+= 4
        }
    }

    private static func explainWalk(_ x: UnsafePointer<Double>, _ nodes: UnsafePointer<PackedNode>,
                                    _ lengths: UnsafePointer<Double>, _ roots: UnsafeBufferPointer<Int32>, depth: Int,
                                    _ table: UnsafePointer<Float>, _ slots: UnsafePointer<Int32>, _ f: Int,
                                    _ sum: UnsafeMutablePointer<Float>) -> Double {
        // `f` is the table's stride here.
        var total = 0.0
        var t = 0
        let count = roots.count
        while t &+ 8 <= count {
            var n0 = Int(roots[t]), n1 = Int(roots[t &+ 1]), n2 = Int(roots[t &+ 2]), n3 = Int(roots[t &+ 3])
            var n4 = Int(roots[t &+ 4]), n5 = Int(roots[t &+ 5]), n6 = Int(roots[t &+ 6]), n7 = Int(roots[t &+ 7])
            for _ in 0..<depth {
                n0 = step(n0, x, nodes); n1 = step(n1, x, nodes); n2 = step(n2, x, nodes); n3 = step(n3, x, nodes)
                n4 = step(n4, x, nodes); n5 = step(n5, x, nodes); n6 = step(n6, x, nodes); n7 = step(n7, x, nodes)
            }
            total += lengths[n0]; total += lengths[n1]; total += lengths[n2]; total += lengths[n3]
            total += lengths[n4]; total += lengths[n5]; total += lengths[n6]; total += lengths[n7]
            addLeaf(n0, table, slots, f, sum); addLeaf(n1, table, slots, f, sum)
            addLeaf(n2, table, slots, f, sum); addLeaf(n3, table, slots, f, sum)
            addLeaf(n4, table, slots, f, sum); addLeaf(n5, table, slots, f, sum)
            addLeaf(n6, table, slots, f, sum); addLeaf(n7, table, slots, f, sum)
            t &+= 8
        }
        while t < count {
            var n = Int(roots[t])
            for _ in 0..<depth { n = step(n, x, nodes) }
            total += lengths[n]
            addLeaf(n, table, slots, f, sum)
            t &+= 1
        }
        return total
    }

    /// `pathLengthSums` that also adds up each row's leaf attributions into `attribution`
    /// (`attributionStride` floats per row: bits, then right-branch bits, then padding; overwritten). Each row's
    /// sums are added in tree order, so they equal `pathLengthSums` and `explain` bit for bit.
    package func explainSums(_ rows: UnsafeBufferPointer<Double>, rowCount: Int, into sums: UnsafeMutableBufferPointer<Double>,
                             attribution: UnsafeMutableBufferPointer<Float>) {
        let f = featureCount, width = attributionStride, depth = walkDepth
        precondition(rows.count >= rowCount * f && sums.count >= rowCount && attribution.count >= rowCount * width)
        for r in 0..<rowCount { sums[r] = 0 }
        for k in 0..<(rowCount * width) { attribution[k] = 0 }
        guard rowCount > 0 else { return }
        packed.withUnsafeBufferPointer { nodes in
        leafPathLength.withUnsafeBufferPointer { lengths in
        leafAttribution.withUnsafeBufferPointer { table in
        leafSlot.withUnsafeBufferPointer { slots in
            let nodes = nodes.baseAddress!, lengths = lengths.baseAddress!, x = rows.baseAddress!
            let table = table.baseAddress!, slots = slots.baseAddress!, out = attribution.baseAddress!
            @inline(__always) func add(_ r: Int, _ n: Int) {
                sums[r] += lengths[n]
                Self.addLeaf(n, table, slots, width, out + r &* width)
            }
            // Blocks of rows, all trees per block: the block's accumulators stay in cache (tree
            // by tree over all rows would stream the whole attribution array once per tree).
            let block = 256
            var first = 0
            while first < rowCount {
                let last = min(first + block, rowCount)
                for root in roots {
                    let root = Int(root)
                    var r = first
                    while r &+ 8 <= last {
                        let x0 = x + r &* f, x1 = x0 + f, x2 = x1 + f, x3 = x2 + f
                        let x4 = x3 + f, x5 = x4 + f, x6 = x5 + f, x7 = x6 + f
                        var n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root
                        for _ in 0..<depth {
                            n0 = Self.step(n0, x0, nodes); n1 = Self.step(n1, x1, nodes)
                            n2 = Self.step(n2, x2, nodes); n3 = Self.step(n3, x3, nodes)
                            n4 = Self.step(n4, x4, nodes); n5 = Self.step(n5, x5, nodes)
                            n6 = Self.step(n6, x6, nodes); n7 = Self.step(n7, x7, nodes)
                        }
                        add(r, n0); add(r &+ 1, n1); add(r &+ 2, n2); add(r &+ 3, n3)
                        add(r &+ 4, n4); add(r &+ 5, n5); add(r &+ 6, n6); add(r &+ 7, n7)
                        r &+= 8
                    }
                    while r &+ 4 <= last {
                        let x0 = x + r &* f, x1 = x0 + f, x2 = x1 + f, x3 = x2 + f
                        var n0 = root, n1 = root, n2 = root, n3 = root
                        for _ in 0..<depth {
                            n0 = Self.step(n0, x0, nodes); n1 = Self.step(n1, x1, nodes)
                            n2 = Self.step(n2, x2, nodes); n3 = Self.step(n3, x3, nodes)
                        }
                        add(r, n0); add(r &+ 1, n1); add(r &+ 2, n2); add(r &+ 3, n3)
                        r &+= 4
                    }
                    while r < last {
                        var n = root
                        for _ in 0..<depth { n = Self.step(n, x + r &* f, nodes) }
                        add(r, n)
                        r &+= 1
                    }
                }
                first = last
            }
        }}}}
    }

    /// scikit-learn's `score_samples`: −2^(−E[h(x)]/c(ψ)), in [−1, 0); lower = more anomalous.
    /// With ψ = 1 (c(ψ) = 0) scikit-learn's convention gives −0.5.
    @inline(__always)
    package func scoreSample(_ x: UnsafeBufferPointer<Double>) -> Double {
        scoreSample(pathLengthSum: pathLengthSum(x))
    }
}
