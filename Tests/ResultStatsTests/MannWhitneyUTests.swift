import Testing
@testable import ResultStats

@Suite("Mann–Whitney U with SciPy's defaults")
struct MannWhitneyUTests {
    /// The worked example in SciPy's `mannwhitneyu` documentation (Shier 2004).
    @Test("exact path: SciPy's documented example")
    func documentedExample() throws {
        let males: [Double] = [19, 22, 16, 29, 24], females: [Double] = [20, 11, 17, 12]
        let r = try #require(MannWhitneyU.test(males, females))
        #expect(r.statistic == 17)
        #expect(r.method == .exact)
        #expect(abs(r.pValue - 0.1111111111111111) < 1e-15)
    }

    @Test("the exact distribution sums to one and is symmetric")
    func exactDistribution() {
        // P(U ≤ n1·n2) = 1 and P(U ≤ k) + P(U ≤ n1·n2 − k − 1) = 1.
        for (a, b) in [(3, 5), (8, 8), (2, 30)] {
            #expect(abs(MannWhitneyU.exactLowerTail(a * b, a, b) - 1) < 1e-12)
            let k = a * b / 3
            #expect(abs(MannWhitneyU.exactLowerTail(k, a, b) + MannWhitneyU.exactLowerTail(a * b - k - 1, a, b) - 1) < 1e-12)
        }
        // The Gaussian-binomial route (used past 20,000 steps) gives the same numbers.
        let viaRecurrence = MannWhitneyU.exactLowerTail(40, 4, 30)
        var c = [Double](repeating: 0, count: 41)
        c[0] = 1
        for i in 1...4 {
            let up = 30 + i
            if up <= 40 { for u in stride(from: 40, through: up, by: -1) { c[u] -= c[u - up] } }
            for u in i...40 { c[u] += c[u - i] }
        }
        let total = MannWhitneyU.binomial(34, 4)
        #expect(abs(c.reduce(0, +) / total - viaRecurrence) < 1e-12)
    }

    @Test("ties or two samples larger than 8 take the normal approximation")
    func asymptoticChoice() throws {
        let x = (0..<9).map(Double.init), y = (0..<12).map { Double($0) + 0.5 }
        #expect(try #require(MannWhitneyU.test(x, y)).method == .asymptotic)
        let tied = try #require(MannWhitneyU.test([1, 2, 2], [2, 3, 4, 5]))
        #expect(tied.method == .asymptotic)
        #expect(tied.pValue > 0 && tied.pValue <= 1)
        // Everything tied: no evidence at all.
        #expect(try #require(MannWhitneyU.test([1, 1], [1, 1, 1])).pValue == 1)
        #expect(MannWhitneyU.test([], [1]) == nil)
    }

    @Test("normal CDF")
    func normalCDF() {
        #expect(MannWhitneyU.normalCDF(0) == 0.5)
        #expect(abs(MannWhitneyU.normalCDF(-1.959963984540054) - 0.025) < 1e-15)
        #expect(abs(MannWhitneyU.normalCDF(3) - 0.9986501019683699) < 1e-15)
    }
}
