/// Small SVG building blocks for the HTML report: a plot area with axes, ticks and labels,
/// drawn as plain SVG 1.1 elements (no script, no external references).
struct SVGChart {
    let width: Double, height: Double
    let left: Double, right: Double, top: Double, bottom: Double
    var body = ""

    init(width: Double = 1000, height: Double = 320, left: Double = 64, right: Double = 20, top: Double = 16, bottom: Double = 44) {
        self.width = width; self.height = height
        self.left = left; self.right = right; self.top = top; self.bottom = bottom
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    mutating func add(_ element: String) { body += element + "\n" }

    func svg(title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(xmlEscape(title))\">\n<title>\(xmlEscape(title))</title>\n\(body)</svg>"
    }

    /// Horizontal grid lines and y tick labels for `ticks` over [lo, hi] mapped by `y`.
    mutating func yAxis(_ ticks: [Double], label: (Double) -> String, y: (Double) -> Double, title: String? = nil) {
        for t in ticks {
            let py = y(t)
            add("<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(py))\" y2=\"\(n(py))\"/>")
            add("<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(py + 4))\" text-anchor=\"end\">\(xmlEscape(label(t)))</text>")
        }
        if let title {
            add("<text class=\"axis-title\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(xmlEscape(title))</text>")
        }
        add("<line class=\"axis\" x1=\"\(n(left))\" x2=\"\(n(left))\" y1=\"\(n(top))\" y2=\"\(n(top + plotHeight))\"/>")
        add("<line class=\"axis\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(top + plotHeight))\" y2=\"\(n(top + plotHeight))\"/>")
    }

    mutating func xTick(_ x: Double, _ label: String, anchor: String = "middle") {
        add("<line class=\"axis\" x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(top + plotHeight))\" y2=\"\(n(top + plotHeight + 5))\"/>")
        add("<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(top + plotHeight + 19))\" text-anchor=\"\(anchor)\">\(xmlEscape(label))</text>")
    }

    mutating func xTitle(_ title: String) {
        add("<text class=\"axis-title\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 6))\" text-anchor=\"middle\">\(xmlEscape(title))</text>")
    }

    /// "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi].
    static func niceTicks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return lo.isFinite ? [lo] : [] }
        let raw = hi / Double(count) - lo / Double(count)   // no overflow for a range wider than the largest double
        guard raw.isFinite, raw > 0 else { return [lo] }
        let magnitude = pow10(floorLog10(raw))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = (lo / step).rounded(.up)
        var out: [Double] = []
        // By index, not `t += step`: at magnitudes where step is below one ulp that never advances.
        for k in 0...(2 * count + 2) {
            let t = (first + Double(k)) * step
            guard t.isFinite, t <= hi + step * 1e-9 else { break }
            if let last = out.last, t <= last { break }
            out.append(abs(t) < step * 1e-9 ? 0 : t)
        }
        return out
    }

    static func floorLog10(_ v: Double) -> Int {
        guard v.isFinite, v > 0 else { return 0 }
        var e = 0, x = v
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }
}

/// A coordinate with at most two decimals, as SVG wants it.
func n(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    // Far outside any viewBox, but an Int: a huge ratio or value must not trap the conversion.
    let r = (min(max(v, -1e9), 1e9) * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    return String(r)
}

/// Escapes text for XML/HTML content and attribute values.
func xmlEscape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
