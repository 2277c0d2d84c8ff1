import BNCCore

/// `report --html`: one self-contained page — inline CSS and SVG, no script, no fonts or images
/// from anywhere — with the score over time (anomalies marked), the score histogram, the hourly
/// anomaly rate, the pre-move ratios across horizons and the summary tables. The markup is
/// well-formed XML (XHTML-compatible), so it can be checked with any XML parser.
package struct HTMLReport: Sendable {
    package let summary: SummaryAnalysis
    package let hourly: HourlyAnalysis
    package let baseline: BaselineAnalysis
    package let premove: PreMoveAnalysis
    let timeBasis: TimeBasis
    let timeline: ScoreTimeline
    /// The inputs named in the header ("name (format)"); a stream knows them after its first pass.
    package var inputs: [String]
    /// The most anomalous windows with their reasons.
    package let topAnomalies: TopAnomalies

    /// Passes over `s`: summary and hourly counts in one; the volatility threshold in the next
    /// (each keeps one column of 8 bytes per scored row, never both at once); the baseline's
    /// counts and the score-over-time chart in the third (its axes known from the first); then
    /// the pre-move horizons (`PreMoveAnalysis`). The IF-only windows are kept only for `--json`
    /// (`keepWindows`), where they are listed.
    package init<S: ResultRowSource>(_ s: S, inputs: [String], horizons: [DurationSpec], windowMilliseconds w: Double, bins: Int = 30,
                                     keepWindows: Bool = true) throws(S.Failure) {
        timeBasis = s.timeBasis
        self.inputs = inputs
        var summaryRows = SummaryAccumulator(), hourlyRows = HourlyAnalysis.Accumulator()
        try s.forEachRow { r in
            summaryRows.add(r)
            hourlyRows.add(r)
        }
        let axis = (summaryRows.firstScored, summaryRows.lastScored)
        summary = summaryRows.finish(timeBasis: s.timeBasis, bins: bins, reasons: s.reasons)
        hourly = hourlyRows.finish(timeBasis: s.timeBasis)
        // A pass of its own: the scores above are released before the volatilities are kept.
        let threshold = try BaselineAnalysis.Threshold(s)
        var chart = ScoreTimeline(first: axis.0, last: axis.1, scored: summary.scored, low: summary.score.min, high: summary.score.max)
        // The top anomalies here, not in the first pass: a stream knows its symbol and reason
        // tables only once a pass has ended.
        var top = TopAnomalies(limit: 20)
        let symbols = s.symbols, reasons = s.reasons
        baseline = try BaselineAnalysis(s, keep: keepWindows ? nil : 1, threshold: threshold) { r in
            chart.add(r)
            top.add(isAnomaly: r.isAnomaly, score: r.score, timestamp: r.timestamp, symbol: symbols[Int(r.symbol)],
                    reason: r.reason == 0 ? nil : reasons[Int(r.reason)])
        }
        timeline = chart
        topAnomalies = top
        premove = try PreMoveAnalysis(s, horizons: horizons, windowMilliseconds: w, threshold: threshold)
    }

    /// The analyses' figures as one JSON document (what `report --json` prints).
    package var json: JSONValue {
        .object([("summary", summary.json), ("hourly", hourly.json), ("baseline", baseline.json), ("premove", premove.json)])
    }

    /// Writes the page to `path` (`ReportFile`'s rules: atomically onto a new path or a regular
    /// file, straight through to a device or FIFO, a symlink followed and never replaced).
    package func write(to path: String) throws(ReportFile.WriteError) {
        try ReportFile.write(render(), to: path)
    }

    // MARK: - Page

    package func render() -> String {
        let basis = timeBasis
        let span = (summary.first.map { Format.timestamp($0, basis) } ?? "—") + " → " + (summary.last.map { Format.timestamp($0, basis) } ?? "—")
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>bnc-stats report</title>
            <style>\(HTMLReport.css)</style>
            </head>
            <body>
            <header>
            <h1>Anomaly detection report</h1>
            <p class="meta">\(xmlEscape(span))\(basis == .naiveLocal ? " (local wall clock, as the original wrote it)" : " UTC")
             · \(xmlEscape(inputs.joined(separator: ", "))) · generated \(SummaryBlock.now()) by bnc-stats \(ToolVersion.current)</p>
            </header>
            <main>

            """
        page += cards()
        page += section("Score over time", "decision_function per window; red dots are windows the model flagged (score &lt; 0).", scoreOverTime())
        page += "<div class=\"row\">\n"
        page += section("Score histogram", "\(summary.histogram.counts.count) equal-width bins; bins left of 0 are the anomalous side.", scoreHistogram(), half: true)
        page += section("Anomaly rate by hour", "anomalies / scored windows per hour of day (\(basis == .utc ? "UTC" : "local wall clock")).", hourlyChart(), half: true)
        page += "</div>\n"
        page += section("Do anomalies precede larger moves?", "mean future Σ|return| of each group ÷ that of normal windows, per horizon. Filled markers: Mann–Whitney p &lt; 0.05 against normal.", premoveChart())
        page += section("Top anomalies", "the \(topAnomalies.limit) lowest scores; the reason names the features that isolated each window, most important first (↑ above, ↓ below the training data).", topAnomalyTable())
        page += tables()
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    static let css = """
        :root{--ink:#1d2433;--muted:#5b6475;--line:#e3e7ee;--bg:#f6f7fb;--card:#fff;--blue:#3b6fb6;--red:#d1495b;--orange:#ed8b00;--purple:#7b4fb3}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
        header{padding:22px 32px 10px}h1{margin:0;font-size:24px;font-weight:650}.meta{margin:6px 0 0;color:var(--muted);font-size:13px}
        main{padding:6px 32px 32px}section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:14px 0}
        h2{margin:0 0 2px;font-size:16px;font-weight:620}.note{margin:0 0 10px;color:var(--muted);font-size:12.5px}
        .row{display:flex;gap:14px}.row section{flex:1;min-width:0}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:8px 0 4px}
        .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}.card .v{font-size:22px;font-weight:650}.card .k{color:var(--muted);font-size:12px}
        svg.chart{width:100%;height:auto;display:block}.grid{stroke:#eef0f4;stroke-width:1}.axis{stroke:#9aa3b2;stroke-width:1}
        .tick{fill:var(--muted);font-size:11px}.axis-title{fill:var(--muted);font-size:11.5px}.zero{stroke:#9aa3b2;stroke-dasharray:4 3}
        .legend{fill:var(--ink);font-size:12px}
        table{border-collapse:collapse;font-size:13px;margin:4px 0 8px}th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:right;font-variant-numeric:tabular-nums}
        th{color:var(--muted);font-weight:600}td:first-child,th:first-child{text-align:left}.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:0 28px}
        h3{font-size:13.5px;margin:12px 0 4px}
        """

    func section(_ title: String, _ note: String, _ content: String, half: Bool = false) -> String {
        "<section>\n<h2>\(xmlEscape(title))</h2>\n<p class=\"note\">\(note)</p>\n\(content)\n</section>\n"
    }

    func cards() -> String {
        let items: [(String, String)] = [
            (Format.count(summary.windows), "windows"),
            (Format.count(summary.scored), "scored (warm-up \(Format.count(summary.warmup)))"),
            (Format.count(summary.anomalies), "anomalies"),
            (Format.percent(summary.anomalyRate), "anomaly rate"),
            (summary.windowMilliseconds.map { Format.number($0 / 1000) + " s" } ?? "—", "window"),
            (Format.number(baseline.jaccard, 3), "Jaccard IF vs volatility"),
        ]
        return "<div class=\"cards\">\n" + items.map { "<div class=\"card\"><div class=\"v\">\(xmlEscape($0.0))</div><div class=\"k\">\(xmlEscape($0.1))</div></div>" }.joined(separator: "\n") + "\n</div>\n"
    }

    // MARK: - Charts

    func scoreOverTime() -> String {
        var c = SVGChart(height: 310, top: 30)
        guard let t0 = timeline.first, let t1 = timeline.last else {
            c.add("<text class=\"legend\" x=\"500\" y=\"150\" text-anchor=\"middle\">no scored windows</text>")
            return c.svg(title: "Score over time")
        }
        let x = timeline.x, y = timeline.y
        let span = Double(max(t1 - t0, 1))
        c.yAxis(SVGChart.niceTicks(timeline.low, timeline.high), label: { Format.number($0, 3) }, y: y, title: "score")
        for k in 0...5 {
            let t = t0 + Int64(Double(k) / 5 * span)
            let label = Format.timestamp(t, timeBasis)
            c.xTick(x(t), String(label.dropFirst(5).prefix(11)).replacingT(), anchor: k == 0 ? "start" : k == 5 ? "end" : "middle")
        }
        c.add("<line class=\"zero\" x1=\"\(n(c.left))\" x2=\"\(n(c.width - c.right))\" y1=\"\(n(y(0)))\" y2=\"\(n(y(0)))\"/>")
        c.add("<path d=\"\(timeline.path())\" fill=\"none\" stroke=\"#3b6fb6\" stroke-width=\"1\" stroke-linejoin=\"round\" opacity=\"0.85\"/>")
        c.add("<g fill=\"#d1495b\" opacity=\"0.8\">\(timeline.dots)</g>")
        c.add("<g class=\"legend\"><line x1=\"\(n(c.width - 250))\" x2=\"\(n(c.width - 232))\" y1=\"12\" y2=\"12\" stroke=\"#3b6fb6\" stroke-width=\"2\"/><text x=\"\(n(c.width - 226))\" y=\"16\">score</text><circle cx=\"\(n(c.width - 170))\" cy=\"12\" r=\"3.5\" fill=\"#d1495b\"/><text x=\"\(n(c.width - 162))\" y=\"16\">anomaly (−1)</text></g>")
        return c.svg(title: "Score over time")
    }

    func scoreHistogram() -> String {
        var c = SVGChart(width: 560, height: 300, left: 56)
        let g = c
        let h = summary.histogram
        guard summary.scored > 0, let lo = h.edges.first, let hi = h.edges.last else {
            c.add("<text class=\"legend\" x=\"280\" y=\"150\" text-anchor=\"middle\">no scored windows</text>")
            return c.svg(title: "Score histogram")
        }
        let peak = Double(h.counts.max() ?? 1)
        let x = { (v: Double) in g.left + (v - lo) / (hi - lo) * g.plotWidth }
        let y = { (v: Double) in g.top + (1 - v / (peak * 1.05)) * g.plotHeight }
        c.yAxis(SVGChart.niceTicks(0, peak * 1.05), label: { Format.count(Int($0)) }, y: y, title: "windows")
        for t in SVGChart.niceTicks(lo, hi, count: 5) { c.xTick(x(t), Format.number(t, 3)) }
        c.xTitle("score")
        for (k, count) in h.counts.enumerated() where count > 0 {
            let x0 = x(h.edges[k]) + 0.5, x1 = x(h.edges[k + 1]) - 0.5
            let color = h.edges[k] < 0 ? "#d1495b" : "#3b6fb6"
            c.add("<rect x=\"\(n(x0))\" y=\"\(n(y(Double(count))))\" width=\"\(n(max(x1 - x0, 0.5)))\" height=\"\(n(y(0) - y(Double(count))))\" fill=\"\(color)\"><title>[\(Format.number(h.edges[k], 4)), \(Format.number(h.edges[k + 1], 4))): \(count)</title></rect>")
        }
        if lo < 0 && hi > 0 { c.add("<line class=\"zero\" x1=\"\(n(x(0)))\" x2=\"\(n(x(0)))\" y1=\"\(n(c.top))\" y2=\"\(n(c.top + c.plotHeight))\"/>") }
        return c.svg(title: "Score histogram")
    }

    func hourlyChart() -> String {
        // Room above the plot for the "overall" key, so it never sits on a bar.
        var c = SVGChart(width: 560, height: 300, left: 56, top: 30)
        let g = c
        guard summary.scored > 0 else {
            c.add("<text class=\"legend\" x=\"280\" y=\"150\" text-anchor=\"middle\">no scored windows</text>")
            return c.svg(title: "Anomaly rate by hour")
        }
        let rates = hourly.hours.map(\.anomalyRate).filter(\.isFinite)
        // At least 0–1 %: with no anomalies at all the axis still reads as percentages.
        let peak = max(rates.max() ?? 0, 0.01) * 1.1
        let y = { (v: Double) in g.top + (1 - v / peak) * g.plotHeight }
        c.yAxis(SVGChart.niceTicks(0, peak), label: { Format.number($0 * 100, 3) + "%" }, y: y, title: "anomaly rate")
        let slot = c.plotWidth / 24
        for hour in stride(from: 0, to: 24, by: 3) { c.xTick(c.left + (Double(hour) + 0.5) * slot, String(format2: hour)) }
        c.xTitle(timeBasis == .utc ? "hour of day (UTC)" : "hour of day (local)")
        for h in hourly.hours where h.anomalyRate.isFinite {
            let x0 = c.left + Double(h.hour) * slot + 2
            c.add("<rect x=\"\(n(x0))\" y=\"\(n(y(h.anomalyRate)))\" width=\"\(n(slot - 4))\" height=\"\(n(y(0) - y(h.anomalyRate)))\" fill=\"#ed8b00\"><title>\(String(format2: h.hour)):00 — \(h.anomalies) of \(h.scored) scored (\(Format.percent(h.anomalyRate)))</title></rect>")
        }
        if summary.anomalyRate.isFinite {
            c.add("<line class=\"zero\" x1=\"\(n(c.left))\" x2=\"\(n(c.width - c.right))\" y1=\"\(n(y(summary.anomalyRate)))\" y2=\"\(n(y(summary.anomalyRate)))\"/>")
            // The key sits in the margin above the plot, right-aligned: a dashed sample, then the text.
            let keyRight = c.width - c.right
            c.add("<g class=\"legend\"><line class=\"zero\" x1=\"\(n(keyRight - 150))\" x2=\"\(n(keyRight - 128))\" y1=\"12\" y2=\"12\"/><text x=\"\(n(keyRight - 122))\" y=\"16\">overall \(xmlEscape(Format.percent(summary.anomalyRate)))</text></g>")
        }
        return c.svg(title: "Anomaly rate by hour")
    }

    func premoveChart() -> String {
        var c = SVGChart(height: 300)
        let g = c
        let groups: [(PreMoveAnalysis.Group, String, String)] = [(.volOnly, "VOL only", "#ed8b00"), (.ifOnly, "IF only", "#d1495b"), (.both, "both", "#7b4fb3")]
        var values: [Double] = [1]
        for h in premove.horizons { for g in groups { let r = h.group(g.0).ratioToNormal; if r.isFinite { values.append(r) } } }
        var lo = min(values.min()!, 1), hi = max(values.max()!, 1)
        let pad = (hi - lo) * 0.08 + 0.05
        lo = max(0, lo - pad); hi += pad
        let count = premove.horizons.count
        let slot = c.plotWidth / Double(max(count, 1))
        let x = { (k: Int) in g.left + (Double(k) + 0.5) * slot }
        let y = { (v: Double) in g.top + (hi - v) / (hi - lo) * g.plotHeight }
        c.yAxis(SVGChart.niceTicks(lo, hi), label: { Format.number($0, 3) + "×" }, y: y, title: "future move ÷ normal")
        for (k, h) in premove.horizons.enumerated() { c.xTick(x(k), "\(h.horizon.description) (\(h.windows) w)") }
        c.xTitle("horizon")
        c.add("<line class=\"zero\" x1=\"\(n(c.left))\" x2=\"\(n(c.width - c.right))\" y1=\"\(n(y(1)))\" y2=\"\(n(y(1)))\"/>")
        c.add("<text class=\"tick\" x=\"\(n(c.left + 6))\" y=\"\(n(y(1) - 5))\">normal = 1×</text>")
        if values.count == 1 {   // only the normal line: no group to compare
            c.add("<text class=\"legend\" x=\"\(n(c.left + c.plotWidth / 2))\" y=\"\(n(c.top + c.plotHeight / 2 + 30))\" text-anchor=\"middle\">\(summary.scored > 0 ? "no flagged windows to compare with normal ones" : "no scored windows")</text>")
        }
        for (gi, g) in groups.enumerated() {
            var path = ""
            var markers = ""
            for (k, h) in premove.horizons.enumerated() {
                let r = h.group(g.0)
                guard r.ratioToNormal.isFinite else { continue }
                let px = x(k) + Double(gi - 1) * 4, py = y(r.ratioToNormal)
                path += (path.isEmpty ? "M" : "L") + "\(n(px)) \(n(py))"
                let significant = (r.test?.pValue ?? 1) < 0.05
                markers += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"5\" fill=\"\(significant ? g.2 : "#fff")\" stroke=\"\(g.2)\" stroke-width=\"2\"><title>\(g.1) at \(h.horizon.description): \(Format.number(r.ratioToNormal, 4))× normal, n = \(r.count), p = \(r.test.map { Format.number($0.pValue, 3) } ?? "—")</title></circle>"
            }
            c.add("<path d=\"\(path)\" fill=\"none\" stroke=\"\(g.2)\" stroke-width=\"2\"/>")
            c.add(markers)
            let lx = c.left + 16 + Double(gi) * 110
            c.add("<g class=\"legend\"><circle cx=\"\(n(lx))\" cy=\"\(n(c.top + 10))\" r=\"5\" fill=\"\(g.2)\"/><text x=\"\(n(lx + 10))\" y=\"\(n(c.top + 14))\">\(g.1)</text></g>")
        }
        return c.svg(title: "Pre-move ratios across horizons")
    }

    // MARK: - Tables

    func table(_ header: [String], _ rows: [[String]]) -> String {
        var s = "<table>\n<tr>" + header.map { "<th>\(xmlEscape($0))</th>" }.joined() + "</tr>\n"
        for r in rows { s += "<tr>" + r.map { "<td>\(xmlEscape($0))</td>" }.joined() + "</tr>\n" }
        return s + "</table>\n"
    }

    func topAnomalyTable() -> String {
        guard !topAnomalies.entries.isEmpty else { return "<p>no anomalies</p>" }
        let showSymbol = topAnomalies.entries.contains { !$0.symbol.isEmpty }
        let header = ["window start"] + (showSymbol ? ["symbol"] : []) + ["score", "reason"]
        return table(header, topAnomalies.entries.map { e in
            [Format.timestamp(e.timestamp, timeBasis)] + (showSymbol ? [e.symbol] : [])
                + [Format.number(e.score, 5), e.reason ?? "—"]
        })
    }

    func tables() -> String {
        var s = "<section>\n<h2>Figures</h2>\n<p class=\"note\">As <code>bnc-stats summary|baseline|premove|hourly --json</code> print them (rounded here); std with ddof 1, percentiles with linear interpolation, as pandas.</p>\n<div class=\"tables\">\n<div>\n"
        let d = summary.score
        s += "<h3>Score distribution (describe)</h3>\n" + table(["", "score"], [
            ["count", Format.count(d.count)], ["mean", Format.number(d.mean)], ["std", Format.number(d.std)], ["min", Format.number(d.min)],
            ["25%", Format.number(d.p25)], ["50%", Format.number(d.p50)], ["75%", Format.number(d.p75)], ["max", Format.number(d.max)]])
        s += "<h3>Feature means</h3>\n" + table(["feature", "normal", "anomalous", "ratio"], summary.features.map {
            [$0.feature == "abs_return" ? "|return|" : $0.feature, Format.number($0.normalMean, 5), Format.number($0.anomalousMean, 5), Format.number($0.ratio, 4)]
        })
        s += "</div>\n<div>\n"
        let b = baseline
        s += "<h3>Volatility baseline (threshold \(xmlEscape(Format.number(b.threshold, 5))))</h3>\n" + table(["", "windows"], [
            ["IF anomalies", Format.count(b.ifAnomalies)], ["VOL anomalies", Format.count(b.volAnomalies)], ["both", Format.count(b.both)],
            ["IF only", Format.count(b.ifOnly)], ["VOL only", Format.count(b.volOnly)], ["neither", Format.count(b.neither)],
            ["Jaccard", Format.number(b.jaccard, 4)]])
        var rows: [[String]] = []
        for h in premove.horizons {
            for g in h.groups {
                rows.append([g.group == .normal ? h.horizon.description : "", g.group.rawValue, Format.count(g.count), Format.number(g.meanFutureMove, 4),
                             g.group == .normal ? "1" : Format.number(g.ratioToNormal, 4), g.test.map { Format.number($0.pValue, 3) } ?? ""])
            }
        }
        s += "<h3>Pre-move study</h3>\n" + table(["horizon", "group", "n", "mean Σ|ret|", "× normal", "p (MWU)"], rows)
        s += "</div>\n<div>\n"
        s += "<h3>By hour</h3>\n" + table(["hour", "windows", "scored", "anomalies", "rate"], hourly.hours.map {
            [String(format2: $0.hour) + ":00", Format.count($0.windows), Format.count($0.scored), Format.count($0.anomalies), Format.percent($0.anomalyRate)]
        })
        s += "</div>\n</div>\n</section>\n"
        return s
    }
}

extension String {
    func replacingT() -> String { String(map { $0 == "T" ? " " : $0 }) }
}
