import BNCCore

/// Draws the live view as lines of at most `width` columns and at most `height` lines — pure
/// (no terminal, no clock: `now` is given), so it is tested on its own and the terminal code
/// only paints what it returns.
///
///     bnc-stats watch · 2 symbols · 5 alerts · 16:05:10 UTC            (header)
///     feed: connected · last trade 0.4 s ago · lag p50 0.31 s           (with --metrics-dir)
///     BTCUSDT 2026-03-01 16:05:00Z  score -0.041  s(x) 0.63  n 1529  vol 2.458  ret -0.0008  σ 16.6  ANOMALY
///       s(x)   ▁▁▂▃▂▁▁▅█▃▁▁▁▂▁  today 12 anomalies
///       trades ▃▄▅▄▃▃▄▆▇▅▃▃▃▄▃  episode since 16:04:40, 2 window(s)
///     ── latest alerts ──
///     16:04:40Z ▲ BTCUSDT  score -0.03  s(x) 0.6  1210 trades  σ 12.1
package struct LiveViewRenderer: Sendable {
    /// A line of the screen: its text and whether to show it highlighted.
    package struct Line: Sendable, Equatable {
        package var text: String
        package var style: Style
        package init(_ text: String, _ style: Style = .plain) { self.text = text; self.style = style }
    }

    package enum Style: Sendable, Equatable { case plain, header, alert, dim, symbol }

    package var title = "bnc-stats watch"

    package init() {}

    package func render(_ board: WatchBoard, feed: String?, width: Int, height: Int, now: Int64) -> [Line] {
        let width = max(20, width), height = max(5, height)
        var head: [Line] = []
        let clock = UTCTime(epochMilliseconds: now)
        let time = "\(two(clock.hour)):\(two(clock.minute)):\(two(clock.second)) UTC"
        let names = board.sourceNames.isEmpty ? "" : " · " + board.sourceNames.joined(separator: ", ")
        head.append(Line(fit("\(title) · \(board.panels.count) symbol(s) · \(board.alertCount) alert(s)\(names) · \(time)", width), .header))
        if let feed { head.append(Line(fit(feed, width), feed.contains("DISCONNECTED") ? .alert : .dim)) }
        if let note = board.note { head.append(Line(fit(note, width), .dim)) }
        if board.skippedRows > 0 { head.append(Line(fit("\(board.skippedRows) unreadable row(s) skipped (see stderr)", width), .dim)) }

        // Alerts get the bottom third (at least 3 lines with their title), symbols the rest.
        let alertLines = min(board.alerts.count, max(2, (height - head.count) / 3))
        let alertBlock = board.alerts.isEmpty ? 2 : alertLines + 1
        var body: [Line] = []
        let room = height - head.count - alertBlock
        let symbols = board.symbols
        let blockHeight = 3
        let fitting = max(0, room / blockHeight)
        for (index, symbol) in symbols.enumerated() {
            if index >= fitting || (index == fitting - 1 && symbols.count > fitting) {
                body.append(Line(fit("… \(symbols.count - index) more symbol(s): enlarge the terminal, or --symbol", width), .dim))
                break
            }
            body += block(board.panels[symbol]!, width: width)
        }
        if symbols.isEmpty { body.append(Line(fit("waiting for scored windows …", width), .dim)) }

        var lines = head + body
        lines.append(Line(fit("── latest alerts " + String(repeating: "─", count: max(0, width - 17)), width), .dim))
        if board.alerts.isEmpty {
            lines.append(Line(fit("none yet", width), .dim))
        } else {
            for alert in board.alerts.suffix(alertLines) { lines.append(Line(fit(alert.line, width), alert.isEnd ? .dim : .alert)) }
        }
        return Array(lines.prefix(height))
    }

    private func block(_ p: WatchBoard.Panel, width: Int) -> [Line] {
        let r = p.last
        var first = (r.symbol.isEmpty ? "(no symbol)" : r.symbol) + " " + shortTime(r)
        first += "  score " + (r.score.map(NumberText.short) ?? "–")
        if let s = r.anomalyScore { first += "  s(x) " + NumberText.short(s) }
        first += "  n " + NumberText.short(r.tradeCount)
        first += "  vol " + NumberText.short(r.volume)
        first += "  ret " + NumberText.short(r.priceReturn)
        first += "  σ " + NumberText.short(r.volatility)
        if r.isAnomaly { first += "  ANOMALY" }
        if let reason = r.reason { first += " " + reason }
        let label = 9
        let sparkWidth = max(1, min(p.severity.capacity, width - label - 24))
        var severity = "  " + (r.anomalyScore != nil ? "s(x)" : "-score").padded(label - 2) + Sparkline.render(p.severity.suffix(sparkWidth))
        severity += "  today \(p.anomaliesToday) anomal\(p.anomaliesToday == 1 ? "y" : "ies")"
        var trades = "  " + "trades".padded(label - 2) + Sparkline.render(p.tradeCount.suffix(sparkWidth))
        if let e = p.episode {
            trades += "  episode since \(timeOfDay(e.start)), \(e.anomalousWindows) window(s)\(e.alerted ? "" : " (cooldown)")"
        }
        return [Line(fit(first, width), r.isAnomaly ? .alert : .symbol), Line(fit(severity, width)), Line(fit(trades, width), p.episode != nil ? .alert : .plain)]
    }

    private func shortTime(_ r: WatchRow) -> String {
        let t = UTCTime(epochMilliseconds: r.start)
        return "\(t.dateString) \(timeOfDay(r.start))\(r.timeBasis == .utc ? "Z" : "")"
    }

    private func timeOfDay(_ ms: Int64) -> String {
        let t = UTCTime(epochMilliseconds: ms)
        return "\(two(t.hour)):\(two(t.minute)):\(two(t.second))"
    }

    private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// At most `width` characters (every character drawn here is one column wide).
    private func fit(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(0, width - 1))) + "…"
    }
}

private extension String {
    func padded(_ n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}
