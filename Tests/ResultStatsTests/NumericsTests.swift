import Testing
@testable import ResultStats

@Suite("pandas/NumPy numerics")
struct NumericsTests {
    @Test("pairwise sum equals the exact sum on integers and follows NumPy's blocking")
    func pairwiseSum() {
        let ints = (1...1000).map(Double.init)
        #expect(NumPySum.sum(ints) == 500_500)
        #expect(NumPySum.sum([]) == 0)
        // 0.1 added ten times: sequential gives 0.9999999999999999, NumPy's 8-accumulator block gives 1.0.
        let tenths = [Double](repeating: 0.1, count: 10)
        #expect(tenths.reduce(0, +) != 1.0)
        #expect(NumPySum.sum(tenths) == ((0.1 + 0.1) + (0.1 + 0.1)) + ((0.1 + 0.1) + (0.1 + 0.1)) + 0.1 + 0.1)
    }

    @Test("std uses ddof 1 by default and is NaN for one value")
    func standardDeviation() {
        #expect(NumPySum.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9], ddof: 0) == 2)
        let s = NumPySum.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(abs(s - (32.0 / 7).squareRoot()) < 1e-15)
        #expect(NumPySum.standardDeviation([3]).isNaN)
        #expect(NumPySum.mean([]).isNaN)
    }

    @Test("linear percentiles as numpy.percentile")
    func quantiles() {
        let v: [Double] = [1, 2, 3, 4]
        #expect(Quantile.linear(sorted: v, 0.25) == 1.75)
        #expect(Quantile.linear(sorted: v, 0.5) == 2.5)
        #expect(Quantile.linear(sorted: v, 0.75) == 3.25)
        #expect(Quantile.linear(sorted: v, 0) == 1)
        #expect(Quantile.linear(sorted: v, 1) == 4)
        #expect(Quantile.linear(sorted: [7], 0.25) == 7)
        #expect(Quantile.linear(sorted: [], 0.5).isNaN)
    }

    @Test("describe() of a small column")
    func describe() {
        let d = DescribeStatistics([4, 1, 3, 2])
        #expect(d.count == 4)
        #expect(d.mean == 2.5)
        #expect(d.min == 1 && d.max == 4)
        #expect(d.p25 == 1.75 && d.p50 == 2.5 && d.p75 == 3.25)
        let empty = DescribeStatistics([])
        #expect(empty.count == 0 && empty.mean.isNaN && empty.std.isNaN && empty.min.isNaN)
    }

    @Test("histogram: equal-width bins, last bin closed, ±0.5 around a constant")
    func histogram() {
        let h = Histogram([0, 1, 2, 3], bins: 3)
        #expect(h.counts == [1, 1, 2])
        #expect(h.edges == [0, 1, 2, 3])
        let constant = Histogram([5, 5, 5], bins: 2)
        #expect(constant.edges == [4.5, 5, 5.5])
        #expect(constant.counts == [0, 3])
        #expect(Histogram([], bins: 4).counts == [0, 0, 0, 0])
    }

    @Test("forward rolling sums: the next h values, NaN without a full horizon")
    func forwardSums() {
        let f = RollingSum.forward([1, 2, 3, 4, 5], window: 2)
        #expect(Array(f.prefix(3)) == [5, 7, 9])
        #expect(f[3].isNaN && f[4].isNaN)
        let one = RollingSum.forward([1, 2, 3], window: 1)
        #expect(Array(one.prefix(2)) == [2, 3] && one[2].isNaN)
        #expect(RollingSum.forward([1, 2], window: 5).allSatisfy { $0.isNaN })
        // A run of equal values sums to value × n exactly (pandas' fix-up), with no drift.
        let equal = RollingSum.fixed([Double](repeating: 0.1, count: 50), window: 7)
        #expect(equal[49] == 0.1 * 7)
    }
}
