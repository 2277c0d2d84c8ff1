/// The report's score-over-time line, built while the rows stream past once the axes are known
/// (first and last scored time, lowest and highest score: the summary's pass): every point while
/// there are at most two per pixel column, else each column's min–max band; the anomalies' dots
/// one per pixel. Memory is bounded by the plot's pixels, not by the rows.
struct ScoreTimeline: Sendable {
    let first: Int64?, last: Int64?
    let low: Double, high: Double
    private let left: Double, top: Double, plotWidth: Double, plotHeight: Double
    private let columns: Int
    private let everyPoint: Bool
    private var points = ""
    private var pointCount = 0
    private var mins: [Double] = [], maxs: [Double] = []
    private(set) var dots = ""
    private var seen = Set<Int>()

    init(first: Int64?, last: Int64?, scored: Int, low: Double, high: Double) {
        self.first = first; self.last = last
        let chart = SVGChart(height: 310, top: 30)
        left = chart.left; top = chart.top; plotWidth = chart.plotWidth; plotHeight = chart.plotHeight
        var lo = low.isFinite ? min(low, 0) : 0, hi = high.isFinite ? max(high, 0) : 0
        let pad = (hi - lo) * 0.05 + 1e-12
        lo -= pad; hi += pad
        self.low = lo; self.high = hi
        columns = Int(chart.plotWidth)
        everyPoint = scored <= columns * 2
        if !everyPoint {
            mins = [Double](repeating: .infinity, count: columns + 1)
            maxs = [Double](repeating: -.infinity, count: columns + 1)
        }
    }

    var x: (Int64) -> Double {
        let t0 = first ?? 0, span = Double(max((last ?? 0) - t0, 1)), left = left, width = plotWidth
        return { t in left + Double(t - t0) / span * width }
    }

    var y: (Double) -> Double {
        let top = top, hi = high, lo = low, height = plotHeight
        return { v in top + (hi - v) / (hi - lo) * height }
    }

    mutating func add(_ r: ResultRow) {
        guard r.isScored, first != nil else { return }
        let px = x(r.timestamp), py = y(r.score)
        if everyPoint {
            points += (pointCount == 0 ? "M" : "L") + "\(n(px)) \(n(py))"
            pointCount += 1
        } else {
            let col = min(max(Int((px - left).rounded(.down)), 0), columns)
            mins[col] = min(mins[col], r.score); maxs[col] = max(maxs[col], r.score)
        }
        if r.isAnomaly, px.isFinite, py.isFinite, seen.insert(Int(px.rounded(.down)) << 16 | Int(min(max(py, -1e6), 1e6))).inserted {
            dots += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"2.2\"/>"
        }
    }

    func path() -> String {
        if everyPoint { return points }
        var path = "", started = false
        for col in 0...columns where mins[col].isFinite {
            let px = left + Double(col) + 0.5
            path += (started ? "L" : "M") + "\(n(px)) \(n(y(maxs[col])))L\(n(px)) \(n(y(mins[col])))"
            started = true
        }
        return path
    }
}
