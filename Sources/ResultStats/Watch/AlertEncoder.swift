/// The one definition of what an alert says (docs/stats.md, *watch*): the JSON object on the
/// command's stdin and on stdout in NDJSON mode, the `BNC_*` environment variables, and the
/// one-line text the live view and `BNC_MESSAGE` show. Keys and variables are the same facts.
package enum AlertEncoder {
    /// The ordered facts of one event: (JSON key, value). Env vars are `BNC_` + the key in upper case.
    package static func fields(_ event: EpisodeTracker.Event, source: String?) -> [(String, JSONValue)] {
        switch event {
        case .alert(let alert):
            let row = alert.row
            return [
                ("event", .string("alert")),
                ("symbol", row.symbol.isEmpty ? .null : .string(row.symbol)),
                ("episode_id", .string(alert.episodeID)),
                ("window_start", .string(row.format(row.start))),
                ("window_end", row.end.map { .string(row.format($0)) } ?? .null),
                ("score", .number(row.score)),
                ("anomaly_score", .number(row.anomalyScore)),
                ("prediction", .int(Int(row.prediction))),
                ("trade_count", count(row.tradeCount)),
                ("volume", .number(row.volume)),
                ("avg_trade_size", .number(row.avgTradeSize)),
                ("return", .number(row.priceReturn)),
                ("volatility", .number(row.volatility)),
                ("reason", row.reason.map { .string($0) } ?? .null),
                ("time_basis", .string(row.timeBasis.rawValue)),
                ("source", source.map { .string($0) } ?? .null),
                ("message", .string(message(event))),
            ]
        case .ended(let end):
            let e = end.episode, row = end.closedBy
            return [
                ("event", .string("end")),
                ("symbol", end.symbol.isEmpty ? .null : .string(end.symbol)),
                ("episode_id", .string(end.episodeID)),
                ("episode_start", .string(row.format(e.start))),
                ("last_anomalous_start", .string(row.format(e.lastStart))),
                ("last_anomalous_end", e.lastEnd.map { .string(row.format($0)) } ?? .null),
                ("anomalous_windows", .int(e.anomalousWindows)),
                ("peak_severity", .number(e.peakSeverity)),
                ("closed_by_window_start", .string(row.format(row.start))),
                ("time_basis", .string(end.timeBasis.rawValue)),
                ("source", source.map { .string($0) } ?? .null),
                ("message", .string(message(event))),
            ]
        case .suppressed(let symbol, let start):
            return [("event", .string("suppressed")), ("symbol", .string(symbol)), ("window_start_ms", .int(Int(start)))]
        }
    }

    /// A count as an integer (`1529`, not `1529.0`), so `[ "$BNC_TRADE_COUNT" -gt 1000 ]` works.
    static func count(_ v: Double) -> JSONValue {
        v.isFinite && v == v.rounded() && abs(v) <= 9_007_199_254_740_992 ? .int(Int(v)) : .number(v)
    }

    /// One line of JSON, `\n` included.
    package static func jsonLine(_ event: EpisodeTracker.Event, source: String?) -> String {
        JSONValue.object(fields(event, source: source)).serialized(pretty: false) + "\n"
    }

    /// `BNC_SYMBOL=BTCUSDT`, …: strings as in the JSON, numbers in their JSON spelling, null as "".
    package static func environment(_ event: EpisodeTracker.Event, source: String?) -> [(String, String)] {
        fields(event, source: source).map { key, value in
            let text: String
            switch value {
            case .null: text = ""
            case .string(let s): text = s
            default: text = value.serialized(pretty: false)
            }
            return ("BNC_" + key.uppercased(), text)
        }
    }

    /// A short human sentence: `BTCUSDT anomaly at 2026-02-28T16:05:06.000Z: score -0.0412,
    /// 1529 trades, volatility 16.6 (price_volatility↑)`.
    package static func message(_ event: EpisodeTracker.Event) -> String {
        switch event {
        case .alert(let a):
            let r = a.row
            var text = "\(r.symbol.isEmpty ? "anomaly" : r.symbol + " anomaly") at \(r.format(r.start))"
            if let s = r.score { text += ": score \(NumberText.short(s))" }
            if let s = r.anomalyScore { text += ", s(x) \(NumberText.short(s))" }
            if r.tradeCount.isFinite { text += ", \(NumberText.short(r.tradeCount)) trades" }
            if r.volatility.isFinite { text += ", volatility \(NumberText.short(r.volatility))" }
            if let reason = r.reason { text += " (\(reason))" }
            return text
        case .ended(let e):
            let name = e.symbol.isEmpty ? "anomaly" : e.symbol + " anomaly"
            return "\(name) episode \(e.episodeID) ended: \(e.episode.anomalousWindows) anomalous window(s), last at \(e.closedBy.format(e.episode.lastStart))"
        case .suppressed(let symbol, _):
            return "\(symbol) anomaly (cooldown)"
        }
    }
}

extension AlertEncoder {
    /// The live view's line for an event: window time, a mark, the facts in short.
    /// `01:02:25Z ▲ BTCUSDT  score -0.04611  s(x) 0.5664  2144 trades  σ 19.08`
    package static func viewLine(_ event: EpisodeTracker.Event) -> String {
        func clock(_ row: WatchRow, _ ms: Int64) -> String {
            let t = row.format(ms)
            return String(t.dropFirst(11).prefix(8)) + (row.timeBasis == .utc ? "Z" : "")
        }
        switch event {
        case .alert(let a):
            let r = a.row
            var text = "\(clock(r, r.start)) ▲ \(r.symbol.isEmpty ? "(no symbol)" : r.symbol)"
            if let s = r.score { text += "  score \(NumberText.short(s))" }
            if let s = r.anomalyScore { text += "  s(x) \(NumberText.short(s))" }
            if r.tradeCount.isFinite { text += "  \(NumberText.short(r.tradeCount)) trades" }
            if r.volatility.isFinite { text += "  σ \(NumberText.short(r.volatility))" }
            if let reason = r.reason { text += "  \(reason)" }
            return text
        case .ended(let e):
            return "\(clock(e.closedBy, e.closedBy.start)) ▽ \(e.symbol.isEmpty ? "(no symbol)" : e.symbol)  episode of \(clock(e.closedBy, e.episode.start)) over: \(e.episode.anomalousWindows) anomalous window(s)"
        case .suppressed(let symbol, _):
            return "· \(symbol) anomaly within --cooldown"
        }
    }
}

/// Compact number text for screens and messages (4 significant digits, no exponent for
/// everyday magnitudes).
package enum NumberText {
    package static func short(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        if v == v.rounded(), abs(v) < 1e9 { return String(Int64(v)) }
        let a = abs(v)
        if a >= 1e6 || a < 1e-4 {
            // d.ddde±x
            var exponent = Int((a).log10Floor)
            var mantissa = v / pow10(exponent)
            if abs(mantissa) >= 9.9995 { mantissa /= 10; exponent += 1 }
            return fixed(mantissa, 3) + "e" + String(exponent)
        }
        let digits = max(0, 3 - Int(a.log10Floor))
        return fixed(v, digits)
    }

    /// `v` with `digits` decimals, trailing zeros kept off.
    package static func fixed(_ v: Double, _ digits: Int) -> String {
        let scale = pow10(digits)
        let r = (v * scale).rounded() / scale
        var s = String(r)
        if s.hasSuffix(".0") { s.removeLast(2) }
        if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) - 1 > digits {
            s = String(s[..<s.index(dot, offsetBy: digits + 1)])
        }
        return s
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }
}

private extension Double {
    /// ⌊log10(self)⌋ for self > 0, by comparison (no libm dependence on rounding).
    var log10Floor: Int {
        var e = 0, x = self
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
}
