/// `baseline`: the plain volatility-threshold detector the original compared its model with.
/// Over the scored rows, threshold = mean + 2·std of `volatility`, the std with ddof 1 (pandas'
/// `Series.std()` default); a row is a VOL anomaly when its volatility is strictly above the
/// threshold, an IF anomaly when the model predicted −1.
package struct BaselineAnalysis: Sendable {
    package var scored: Int
    package var volatilityMean: Double
    package var volatilityStd: Double
    package var threshold: Double
    package var ifAnomalies: Int
    package var volAnomalies: Int
    package var both: Int
    package var ifOnly: Int
    package var volOnly: Int
    package var neither: Int
    /// both / (IF ∪ VOL); NaN when neither flags anything.
    package var jaccard: Double { let u = ifAnomalies + volAnomalies - both; return u > 0 ? Double(both) / Double(u) : .nan }
    /// Share of IF anomalies that VOL also flags, and of VOL anomalies that IF also flags.
    package var ifOverlap: Double { ifAnomalies > 0 ? Double(both) / Double(ifAnomalies) : .nan }
    package var volOverlap: Double { volAnomalies > 0 ? Double(both) / Double(volAnomalies) : .nan }
    /// The IF-only windows kept (all, or the first `keep` of `init`), in time order.
    package var ifOnlyWindows: [Window]
    /// Their positions among the rows (0-based, in time order).
    package var ifOnlyRows: [Int] { ifOnlyWindows.map(\.row) }

    /// What the IF-only table shows of a window.
    package struct Window: Sendable {
        package var row: Int
        package var timestamp: Int64
        package var score: Double
        package var volatility: Double
        package var ret: Double
        package var tradeCount: Double
        package var volume: Double
    }

    let timeBasis: TimeBasis

    /// The threshold: mean + 2·std (ddof 1) of the scored rows' volatility, pandas' digits
    /// (NumPy's pairwise sums over the row order). One pass keeping 8 bytes per scored row.
    package struct Threshold: Sendable {
        package var rows: Int
        package var scored: Int
        package var mean: Double
        package var std: Double
        package var value: Double { mean + 2 * std }

        package init<S: ResultRowSource>(_ s: S) throws(S.Failure) {
            let vols = DoubleColumn()
            var rows = 0
            try s.forEachRow { r in
                rows += 1
                if r.isScored { vols.append(r.volatility) }
            }
            self.init(rows: rows, volatilities: vols.finish())
        }

        /// From the scored rows' volatilities in row order, out of `rows` rows.
        package init(rows: Int, volatilities vols: [Double]) {
            self.rows = rows
            scored = vols.count
            mean = NumPySum.mean(vols)
            std = NumPySum.standardDeviation(vols, ddof: 1)
        }
    }

    /// Two passes over `s`: the threshold, then the counts and the IF-only windows — all of them
    /// (`keep` nil: what `--json` lists), or the first `keep` (the text table; `0` = all).
    package init<S: ResultRowSource>(_ s: S, keep: Int? = nil, threshold given: Threshold? = nil,
                                     alongside: (ResultRow) -> Void = { _ in }) throws(S.Failure) {
        let t: Threshold
        if let given { t = given } else { t = try Threshold(s) }
        timeBasis = s.timeBasis
        scored = t.scored
        volatilityMean = t.mean
        volatilityStd = t.std
        let threshold = t.value
        self.threshold = threshold
        let limit = keep.map { $0 == 0 ? Int.max : $0 } ?? Int.max
        var ifA = 0, volA = 0, both = 0, ifOnly = 0, volOnly = 0, neither = 0
        var windows: [Window] = []
        var row = -1
        try s.forEachRow { r in
            row += 1
            alongside(r)
            guard r.isScored else { return }
            let a = r.isAnomaly, v = r.volatility > threshold
            if a { ifA += 1 }
            if v { volA += 1 }
            switch (a, v) {
            case (true, true): both += 1
            case (true, false):
                ifOnly += 1
                if windows.count < limit {
                    windows.append(Window(row: row, timestamp: r.timestamp, score: r.score, volatility: r.volatility,
                                          ret: r.ret, tradeCount: r.tradeCount, volume: r.volume))
                }
            case (false, true): volOnly += 1
            case (false, false): neither += 1
            }
        }
        ifAnomalies = ifA; volAnomalies = volA; self.both = both
        self.ifOnly = ifOnly; self.volOnly = volOnly; self.neither = neither
        ifOnlyWindows = windows
    }

    package var json: JSONValue {
        .object([
            ("scored", .int(scored)),
            ("volatility_mean", .number(volatilityMean)),
            ("volatility_std", .number(volatilityStd)),
            ("ddof", .int(1)),
            ("threshold", .number(threshold)),
            ("if_anomalies", .int(ifAnomalies)),
            ("vol_anomalies", .int(volAnomalies)),
            ("both", .int(both)),
            ("if_only", .int(ifOnly)),
            ("vol_only", .int(volOnly)),
            ("neither", .int(neither)),
            ("jaccard", .number(jaccard)),
            ("if_overlap", .number(ifOverlap)),
            ("vol_overlap", .number(volOverlap)),
            ("if_only_windows", .array(ifOnlyWindows.map { w in
                .object([
                    ("timestamp", .string(Format.timestamp(w.timestamp, timeBasis))),
                    ("score", .number(w.score)),
                    ("volatility", .number(w.volatility)),
                    ("return", .number(w.ret)),
                    ("trade_count", .number(w.tradeCount)),
                    ("volume", .number(w.volume)),
                ])
            })),
        ])
    }

    package func text(limit: Int) -> String {
        var out = "volatility threshold  \(Format.number(threshold))  (mean \(Format.number(volatilityMean)) + 2 × std \(Format.number(volatilityStd)), std ddof 1, over \(Format.count(scored)) scored windows)\n\n"
        var t = TextTable(["", "windows", "share of scored"])
        func add(_ name: String, _ n: Int) { t.add([name, Format.count(n), Format.percent(scored > 0 ? Double(n) / Double(scored) : .nan)]) }
        add("IF anomalies", ifAnomalies); add("VOL anomalies", volAnomalies); add("both", both)
        add("IF only", ifOnly); add("VOL only", volOnly); add("neither", neither)
        out += t.render()
        out += "\n  Jaccard (both / either)   \(Format.number(jaccard, 4))\n"
        out += "  IF anomalies also VOL     \(Format.percent(ifOverlap))\n"
        out += "  VOL anomalies also IF     \(Format.percent(volOverlap))\n"
        out += "\nIF-only windows (\(Format.count(ifOnly))\(ifOnly > limit ? ", first \(limit); --limit 0 for all, --json for every field" : ""))\n"
        var w = TextTable(["timestamp", "score", "volatility", "return", "trades", "volume"])
        for r in (limit > 0 ? Array(ifOnlyWindows.prefix(limit)) : ifOnlyWindows) {
            w.add([Format.timestamp(r.timestamp, timeBasis), Format.number(r.score, 5), Format.number(r.volatility, 5),
                   Format.number(r.ret, 4), Format.number(r.tradeCount), Format.number(r.volume, 5)])
        }
        out += w.render()
        return out
    }
}
