import Testing
import BNCCore
@testable import BNCWire

/// `TradeIDRuns`, the one sorted-run id set (bnc-window's `SeenTradeIDs`, bnc-stream record's
/// daily files): a set, whatever the order of insertion.
@Suite("Trade id runs")
struct TradeIDRunsTests {
    @Test("single ids in any order hold exactly what a Set holds; runs stay sorted, disjoint, apart")
    func singleIDsMatchASet() {
        var random = SplitMix64(seed: 11)
        var runs = TradeIDRuns()
        var reference = Set<Int64>()
        for _ in 0..<5000 {
            let id = Int64(random.next() % 600)
            #expect(runs.insert(id) == reference.insert(id).inserted)
        }
        for id in Int64(-1)...601 { #expect(runs.contains(id) == reference.contains(id)) }
        #expect(runs.count == Int64(reference.count))
        for k in runs.runs.indices.dropLast() { #expect(runs.runs[k].upperBound + 1 < runs.runs[k + 1].lowerBound) }
    }

    @Test("ranges: refused when any id is held, else added; held counts and forgetting the oldest")
    func rangesAgainstASet() {
        var random = SplitMix64(seed: 12)
        var runs = TradeIDRuns()
        var reference = Set<Int64>()
        for n in 0..<4000 {
            // Mostly in order (the fast path), sometimes far below or overlapping.
            let first = n % 5 == 0 ? Int64(random.next() % 3000) : Int64(n) * 2 + Int64(random.next() % 2)
            let last = first + Int64(random.next() % 4)
            let free = (first...last).allSatisfy { !reference.contains($0) }
            #expect(runs.insert(first, last) == free)
            if free { reference.formUnion(first...last) }
        }
        #expect(runs.count == Int64(reference.count))
        for (from, through) in [(0, 10_000), (500, 900), (7_000, 7_003), (8_100, 9_000)] as [(Int64, Int64)] {
            #expect(runs.heldCount(from: from, through: through) == Int64(reference.filter { (from...through).contains($0) }.count))
        }
        let before = runs.runsBelowTop
        let known = runs.forgetOldest(endingAtOrBelow: 4_000, keeping: 10)
        let forgotten = before - runs.runsBelowTop
        #expect(forgotten > 0)
        #expect(known.map { id in runs.runs.allSatisfy { $0.lowerBound >= id } } == true)
        #expect(runs.forgetOldest(endingAtOrBelow: 4_000, keeping: 10_000) == nil)
    }
}
