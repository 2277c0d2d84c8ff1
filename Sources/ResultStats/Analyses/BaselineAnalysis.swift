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
    /// Row indices (into the series) of IF-only windows, in time order.
    package var ifOnlyRows: [Int]
    let series: ResultSeries

    package init(_ s: ResultSeries) {
        series = s
        var vols: [Double] = []
        for i in 0..<s.count where s.isScored(i) { vols.append(s.volatility[i]) }
        scored = vols.count
        volatilityMean = NumPySum.mean(vols)
        volatilityStd = NumPySum.standardDeviation(vols, ddof: 1)
        threshold = volatilityMean + 2 * volatilityStd
        var ifA = 0, volA = 0, both = 0, ifOnly = 0, volOnly = 0, neither = 0
        var rows: [Int] = []
        for i in 0..<s.count where s.isScored(i) {
            let a = s.isAnomaly(i), v = s.volatility[i] > threshold
            if a { ifA += 1 }
            if v { volA += 1 }
            switch (a, v) {
            case (true, true): both += 1
            case (true, false): ifOnly += 1; rows.append(i)
            case (false, true): volOnly += 1
            case (false, false): neither += 1
            }
        }
        ifAnomalies = ifA; volAnomalies = volA; self.both = both
        self.ifOnly = ifOnly; self.volOnly = volOnly; self.neither = neither
        ifOnlyRows = rows
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
            ("if_only_windows", .array(ifOnlyRows.map { i in
                .object([
                    ("timestamp", .string(Format.timestamp(series.timestamp[i], series.timeBasis))),
                    ("score", .number(series.score[i])),
                    ("volatility", .number(series.volatility[i])),
                    ("return", .number(series.returns[i])),
                    ("trade_count", .number(series.tradeCount[i])),
                    ("volume", .number(series.volume[i])),
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
        out += "\nIF-only windows (\(Format.count(ifOnlyRows.count))\(ifOnlyRows.count > limit ? ", first \(limit); --limit 0 for all, --json for every field" : ""))\n"
        var w = TextTable(["timestamp", "score", "volatility", "return", "trades", "volume"])
        for i in (limit > 0 ? Array(ifOnlyRows.prefix(limit)) : ifOnlyRows) {
            w.add([Format.timestamp(series.timestamp[i], series.timeBasis), Format.number(series.score[i], 5), Format.number(series.volatility[i], 5),
                   Format.number(series.returns[i], 4), Format.number(series.tradeCount[i]), Format.number(series.volume[i], 5)])
        }
        out += w.render()
        return out
    }
}
