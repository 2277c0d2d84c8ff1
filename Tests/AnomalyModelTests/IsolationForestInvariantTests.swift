import BNCCore
import AnomalyModel
import Foundation
import Testing

/// DESIGN.md §4 invariants, checked directly on the model.
@Suite("Isolation Forest invariants")
struct IsolationForestInvariantTests {
    static func train(_ rows: [[Double]], trees: Int = 100, contamination: Contamination = .fraction(0.05),
                      maxSamples: ModelParameters.MaxSamples = .auto, seed: UInt64 = 42) throws -> AnomalyDetector {
        let flat = rows.flatMap { $0 }
        let names = (0..<rows[0].count).map { "f\($0)" }
        return try flat.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: rows.count, featureNames: names,
                                      parameters: ModelParameters(treeCount: trees, maxSamples: maxSamples,
                                                                  contamination: contamination), seed: seed)
        }
    }

    /// Deterministic pseudo-random rows (our own generator, so the test data never changes).
    static func randomRows(_ n: Int, _ f: Int, seed: UInt64 = 7) -> [[Double]] {
        var g = Xoshiro256StarStar(seed: seed)
        return (0..<n).map { _ in (0..<f).map { _ in g.nextDouble() * 10 - 5 } }
    }

    /// Depth of every node, from the flat arrays.
    static func depths(_ forest: IsolationForest) -> [Int] {
        // `feature` and `leftChild` are derived from the compact layout on each read: once here.
        let feature = forest.feature, leftChild = forest.leftChild
        var depth = [Int](repeating: 0, count: forest.nodeCount)
        for i in 0..<forest.nodeCount where feature[i] >= 0 {
            let l = Int(leftChild[i])
            depth[l] = depth[i] + 1
            depth[l + 1] = depth[i] + 1
        }
        return depth
    }

    @Test func averagePathLengthValues() {
        #expect(AveragePathLength.c(0) == 0)
        #expect(AveragePathLength.c(1) == 0)
        #expect(AveragePathLength.c(2) == 1)
        #expect(abs(AveragePathLength.c(256) - 10.2448) < 5e-5)
        let c3 = 2 * (log(2.0) + 0.5772156649015329) - 4.0 / 3.0
        #expect(abs(AveragePathLength.c(3) - c3) < 1e-12)
        // c grows like 2 ln n.
        #expect(AveragePathLength.c(1_000_000) > AveragePathLength.c(1000))
    }

    @Test func depthLimitIsCeilLog2OfPsi() throws {
        #expect(IsolationForest.depthLimit(maxSamples: 1) == 1)
        #expect(IsolationForest.depthLimit(maxSamples: 2) == 1)
        #expect(IsolationForest.depthLimit(maxSamples: 100) == 7)
        #expect(IsolationForest.depthLimit(maxSamples: 256) == 8)
        #expect(IsolationForest.depthLimit(maxSamples: 257) == 9)
        let detector = try Self.train(Self.randomRows(1000, 3))
        let forest = detector.forest
        #expect(forest.maxSamples == 256)
        let depth = Self.depths(forest)
        let feature = forest.feature
        let leafDepths = (0..<forest.nodeCount).filter { feature[$0] < 0 }.map { depth[$0] }
        #expect(leafDepths.max() == 8)
        // Every tree's leaves hold exactly ψ rows.
        #expect(forest.leafSize.reduce(0) { $0 + Int($1) } == 256 * forest.treeCount)
    }

    /// A forest that keeps its per-leaf attribution table (streaming, the first symbols) explains
    /// every row exactly as one that walks each path back: same score, same bits, same lean.
    @Test func keptAttributionTableExplainsBitForBit() throws {
        let walked = try Self.train(Self.randomRows(600, 4, seed: 3))
        var kept = walked
        kept.forest.keepAttributionTable()
        #expect(kept.forest.keepsAttributionTable && !walked.forest.keepsAttributionTable)
        #expect(kept.forest == walked.forest)
        for row in Self.randomRows(300, 4, seed: 11) + [[40, -40, 0, 1e6]] {
            var a = Attribution(featureCount: 4), b = Attribution(featureCount: 4)
            let sa = row.withUnsafeBufferPointer { walked.explain($0, into: &a) }
            let sb = row.withUnsafeBufferPointer { kept.explain($0, into: &b) }
            #expect(sa.decision.bitPattern == sb.decision.bitPattern)
            #expect(a.bits.map(\.bitPattern) == b.bits.map(\.bitPattern) && a.lean.map(\.bitPattern) == b.lean.map(\.bitPattern))
        }
    }

    @Test func constantFeaturesAreNeverSplit() throws {
        var rows = Self.randomRows(300, 3)
        for i in rows.indices { rows[i][1] = 4.25 }
        let forest = try Self.train(rows).forest
        #expect(!forest.feature.contains(1))
        #expect(forest.feature.contains(0) && forest.feature.contains(2))
        // All features constant: every tree is one leaf holding ψ rows, path length c(ψ), score −0.5.
        let flat = try Self.train([[Double]](repeating: [1, 2, 3], count: 50), contamination: .auto)
        #expect(flat.forest.nodeCount == flat.forest.treeCount)
        #expect(flat.forest.leafSize.allSatisfy { $0 == 50 })
        let s = [1.0, 2.0, 3.0].withUnsafeBufferPointer { flat.score($0) }
        #expect(abs(s.scoreSample + 0.5) < 1e-12)
    }

    @Test func duplicatesEndInLeaves() throws {
        // Two distinct points, 40 copies each: one split separates them and both sides are leaves.
        let rows = [[Double]](repeating: [0, 0], count: 40) + [[Double]](repeating: [3, -1], count: 40)
        let forest = try Self.train(rows).forest
        #expect(forest.nodeCount == 3 * forest.treeCount)
        let feature = forest.feature, leftChild = forest.leftChild, leafSize = forest.leafSize
        for root in forest.roots {
            let l = Int(leftChild[Int(root)])
            #expect(feature[l] == -1 && feature[l + 1] == -1)
            #expect(leafSize[l] + leafSize[l + 1] == 80)
        }
        // The duplicate count enters the path length through c(leaf size).
        let detector = try Self.train(rows, contamination: .auto)
        let expected = 1 + AveragePathLength.c(40)
        let h = [0.0, 0.0].withUnsafeBufferPointer { x in
            detector.scaler.mean.indices.map { (x[$0] - detector.scaler.mean[$0]) / detector.scaler.scale[$0] }
                .withUnsafeBufferPointer { detector.forest.meanPathLength($0) }
        }
        #expect(abs(h - expected) < 1e-12)
    }

    @Test func offsetIsTheLinearPercentileOfTrainingScores() throws {
        let rows = Self.randomRows(400, 4)
        for contamination in [0.01, 0.05, 0.1, 0.5] {
            let d = try Self.train(rows, contamination: .fraction(contamination))
            let flat = rows.flatMap { $0 }
            let scores = flat.withUnsafeBufferPointer { d.scoreSamples($0, rowCount: rows.count) }
            #expect(d.offset == Percentile.linear(scores, 100 * contamination))
            let flagged = scores.filter { $0 - d.offset < 0 }.count
            #expect(abs(Double(flagged) - contamination * 400) <= 1)
        }
        #expect(try Self.train(rows, contamination: .auto).offset == -0.5)
        // numpy.percentile's linear method on small arrays.
        #expect(abs(Percentile.linear([1, 2, 3, 4], 5) - 1.15) < 1e-12)
        #expect(Percentile.linear([3, 1, 2], 50) == 2)
        #expect(abs(Percentile.linear([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) - 9.55) < 1e-12)
    }

    @Test func predictIsStrictlyNegativeDecision() throws {
        // 21 rows and contamination 0.05: the percentile's virtual index is exactly 1, so the offset
        // is the second-lowest training score itself and that row's decision is exactly 0.
        let rows = Self.randomRows(21, 2, seed: 11)
        let d = try Self.train(rows, contamination: .fraction(0.05))
        let decisions = rows.map { r in r.withUnsafeBufferPointer { d.score($0) } }
        let atZero = decisions.filter { $0.decision == 0 }
        try #require(atZero.count == 1)
        #expect(!atZero[0].isAnomaly)
        #expect(decisions.filter(\.isAnomaly).count == 1)
        for s in decisions { #expect(s.isAnomaly == (s.decision < 0)) }
        #expect(decisions.allSatisfy { $0.anomalyScore == -$0.scoreSample && $0.anomalyScore > 0 && $0.anomalyScore <= 1 })
    }

    @Test func sameSeedSameModelOtherSeedOtherModel() throws {
        let rows = Self.randomRows(600, 5)
        let a = try Self.train(rows, seed: 42), b = try Self.train(rows, seed: 42), c = try Self.train(rows, seed: 43)
        #expect(a == b)
        #expect(a.forest != c.forest)
    }

    @Test func blockScoringEqualsRowScoringBitForBit() throws {
        let rows = Self.randomRows(1500, 3)
        let d = try Self.train(Array(rows[0..<500]))
        let flat = rows.flatMap { $0 }
        let block = flat.withUnsafeBufferPointer { d.scoreSamples($0, rowCount: rows.count) }
        for (i, r) in rows.enumerated() {
            let single = r.withUnsafeBufferPointer { d.score($0) }
            #expect(single.scoreSample.bitPattern == block[i].bitPattern)
        }
    }

    @Test func maxSamplesIsCappedAtTheRowCount() throws {
        let rows = Self.randomRows(50, 2)
        #expect(try Self.train(rows, maxSamples: .count(1000)).forest.maxSamples == 50)
        #expect(try Self.train(rows, maxSamples: .count(16)).forest.maxSamples == 16)
        #expect(try Self.train(rows).forest.maxSamples == 50)
    }

    @Test func standardScalerUsesPopulationDeviationAndUnitScaleForConstants() {
        let rows: [Double] = [1, 5, 2, 5, 3, 5, 4, 5]  // two features, four rows
        let s = rows.withUnsafeBufferPointer { StandardScaler(fitting: $0, rowCount: 4, featureCount: 2) }
        #expect(s.mean == [2.5, 5])
        #expect(abs(s.scale[0] - 1.25.squareRoot()) < 1e-15)
        #expect(s.scale[1] == 1)
    }

    @Test func generatorIsTheDocumentedOne() {
        // SplitMix64 from state 0: first output 0xE220A8397B1DCDAF (Vigna's reference implementation).
        var sm = SplitMix64(state: 0)
        #expect(sm.next() == 0xE220_A839_7B1D_CDAF)
        var g = Xoshiro256StarStar(seed: 42), h = Xoshiro256StarStar(seed: 42)
        for _ in 0..<100 { #expect(g.next() == h.next()) }
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.next(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        for _ in 0..<1000 { let u = g.nextDouble(); #expect(u >= 0 && u < 1) }
    }

    /// The compact layout (issue 15) keeps everything a model file holds: the four arrays derived
    /// from it rebuild an equal forest, and a ψ beyond the shared c/log₂ tables (4,096) and beyond
    /// UInt16 row counts scores the same through a single walk, the batch walk (its interleaved
    /// groups of eight rows and the rows left over) and `explain`.
    @Test(arguments: [256, 5_000])
    func compactLayoutRoundTripsAndAgreesBeyondTheTables(psi: Int) throws {
        let rows = Self.randomRows(psi + 100, 4, seed: 11)
        let d = try Self.train(rows, trees: 9, maxSamples: .count(psi))
        let f = d.forest
        let rebuilt = try IsolationForest(maxSamples: f.maxSamples, featureCount: f.featureCount, roots: f.roots,
                                          feature: f.feature, threshold: f.threshold, leftChild: f.leftChild,
                                          leafSize: f.leafSize)
        #expect(rebuilt == f)
        #expect(f.leafSize.reduce(0) { $0 + Int($1) } == psi * f.treeCount)
        #expect(f.feature.allSatisfy { $0 >= -1 && $0 < 4 })
        // 300 rows: a block of 256, then 44 (five interleaved groups of eight and four rows walked one by one).
        let n = 300
        let scaled = rows.prefix(n).flatMap { row -> [Double] in
            var out = [Double](repeating: 0, count: 4)
            row.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { d.scaler.transform(r, into: $0) } }
            return out
        }
        var sums = [Double](repeating: 0, count: n), explained = [Double](repeating: 0, count: n)
        var attribution = [Float](repeating: 0, count: n * f.attributionStride)
        scaled.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { f.pathLengthSums(x, rowCount: n, into: $0) }
            explained.withUnsafeMutableBufferPointer { e in
                attribution.withUnsafeMutableBufferPointer { f.explainSums(x, rowCount: n, into: e, attribution: $0) }
            }
        }
        var bits = [Double](repeating: 0, count: 4), rights = [Double](repeating: 0, count: 4)
        for r in 0..<n {
            let single = scaled.withUnsafeBufferPointer { f.pathLengthSum(UnsafeBufferPointer(rebasing: $0[(r * 4)..<(r * 4 + 4)])) }
            let walked = scaled.withUnsafeBufferPointer { x in
                bits.withUnsafeMutableBufferPointer { b in
                    rights.withUnsafeMutableBufferPointer { f.explain(UnsafeBufferPointer(rebasing: x[(r * 4)..<(r * 4 + 4)]), bits: b, rights: $0) }
                }
            }
            #expect(single.bitPattern == sums[r].bitPattern && walked.bitPattern == sums[r].bitPattern
                    && explained[r].bitPattern == sums[r].bitPattern)
            let w = f.attributionStride
            #expect(bits.map { Float($0).bitPattern } == (0..<4).map { attribution[r * w + $0].bitPattern })
            #expect(rights.map { Float($0).bitPattern } == (0..<4).map { attribution[r * w + 4 + $0].bitPattern })
        }
    }

    /// Batch mode's training walk on two threads gives the one-thread walk's sums and attributions
    /// bit for bit (rows in pieces the two threads take in turn, each row its own; 20,000 rows = 5 pieces).
    @Test func twoThreadTrainingWalkEqualsOneThread() throws {
        let n = 20_000
        let rows = Self.randomRows(n, 3, seed: 5)
        let d = try Self.train(Array(rows.prefix(600)), trees: 12)
        let f = d.forest, w = f.attributionStride
        let x = rows.flatMap { $0 }
        var s1 = [Double](repeating: 0, count: n), s2 = [Double](repeating: 1, count: n)
        var a1 = [Float](repeating: 0, count: n * w), a2 = [Float](repeating: 1, count: n * w)
        x.withUnsafeBufferPointer { x in
            s1.withUnsafeMutableBufferPointer { s in a1.withUnsafeMutableBufferPointer { f.explainSums(x, rowCount: n, into: s, attribution: $0) } }
            s2.withUnsafeMutableBufferPointer { s in
                a2.withUnsafeMutableBufferPointer { f.explainSumsOnTwoThreads(x, rowCount: n, into: s, attribution: $0) }
            }
        }
        #expect(s1.map(\.bitPattern) == s2.map(\.bitPattern))
        #expect(a1.map(\.bitPattern) == a2.map(\.bitPattern))
    }
}

/// `Percentile.linear` finds its two neighbours by selection: the same values as sorting.
@Suite("Percentile by selection")
struct PercentileSelectionTests {
    static func bySorting(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        let virtualIndex = (q / 100.0) * Double(n - 1)
        let below = Int(virtualIndex.rounded(.down))
        let lower = max(0, min(n - 1, below)), upper = min(n - 1, lower + 1)
        let t = virtualIndex - Double(below)
        let a = sorted[lower], b = sorted[upper], diff = b - a
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }

    @Test("random, duplicated, sorted, reversed and constant values at many q: bit for bit the sorted result")
    func selectionMatchesSorting() {
        var g = SystemRandomNumberGenerator()
        var inputs: [[Double]] = []
        for n in [64, 65, 100, 1_000, 4_097, 20_000] {
            inputs.append((0..<n).map { _ in -Double.random(in: 0.3...0.8, using: &g) })
            inputs.append((0..<n).map { _ in Double(Int.random(in: 1...5, using: &g)) })
            inputs.append((0..<n).map { Double($0) + 1 })
            inputs.append((0..<n).map { Double(n - $0) })
            inputs.append([Double](repeating: 7, count: n))
            inputs.append((0..<n).map { Double($0 % 2 == 0 ? $0 : n - $0) + 0.5 })
        }
        for values in inputs {
            for q in [0, 0.1, 5, 10, 25, 50, 63.7, 95, 99.9, 100] {
                let got = Percentile.linear(values, q), want = Self.bySorting(values, q)
                #expect(got.bitPattern == want.bitPattern, "n \(values.count), q \(q)")
            }
        }
    }
}
