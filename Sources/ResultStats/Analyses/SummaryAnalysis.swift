/// `summary`: window, scored and anomaly counts, the score distribution as pandas' `describe()`
/// gives it, feature means of normal against anomalous windows, and a histogram of scores.
///
/// Warm-up rows (no score) count as windows but enter no score statistic; "normal" and
/// "anomalous" are scored rows with prediction 1 and −1.
package struct SummaryAnalysis: Sendable {
    package struct FeatureComparison: Sendable {
        package var feature: String
        package var normalMean: Double
        package var anomalousMean: Double
        /// anomalous / normal.
        package var ratio: Double { anomalousMean / normalMean }
    }

    package var windows: Int
    package var scored: Int
    package var anomalies: Int
    package var warmup: Int { windows - scored }
    /// anomalies / scored; NaN without scored rows.
    package var anomalyRate: Double { scored > 0 ? Double(anomalies) / Double(scored) : .nan }
    package var first: Int64?
    package var last: Int64?
    package var timeBasis: TimeBasis
    package var windowMilliseconds: Double?
    package var score: DescribeStatistics
    package var features: [FeatureComparison]
    package var histogram: Histogram
    /// Anomalies by the leading feature of their reason (rows of files with a `reason` column).
    package var leadingFeatures: LeadingFeatureCounts

    /// The feature columns compared, in the original's order, plus |return|.
    package static let featureNames = ["trade_count", "volume", "avg_trade_size", "return", "abs_return", "volatility"]

    /// One pass over `s` (`SummaryAccumulator`).
    package init<S: ResultRowSource>(_ s: S, bins: Int = 20) throws(S.Failure) {
        var accumulator = SummaryAccumulator()
        // Through a pointer: the closure's captured `var` would be checked for exclusive access
        // at run time for every row.
        try withUnsafeMutablePointer(to: &accumulator) { (a) throws(S.Failure) in try s.forEachRow { a.pointee.add($0) } }
        self = accumulator.finish(timeBasis: s.timeBasis, bins: bins, reasons: s.reasons)
    }

    init(windows: Int, scored: Int, anomalies: Int, first: Int64?, last: Int64?, timeBasis: TimeBasis,
         windowMilliseconds: Double?, score: DescribeStatistics, features: [FeatureComparison], histogram: Histogram,
         leadingFeatures: LeadingFeatureCounts = LeadingFeatureCounts()) {
        self.windows = windows; self.scored = scored; self.anomalies = anomalies
        self.first = first; self.last = last; self.timeBasis = timeBasis
        self.windowMilliseconds = windowMilliseconds; self.score = score
        self.features = features; self.histogram = histogram
        self.leadingFeatures = leadingFeatures
    }

    /// What `summary` says when no row has a score: every window is in the model's warm-up.
    package static func noScoredRowsNote(windows: Int) -> String {
        """
        no scored windows: all \(Format.count(windows)) are in the model's warm-up (no score yet), so there is
        no score distribution, feature comparison or histogram. bnc-score scores a symbol's windows
        once its model is trained on --train-windows complete windows (default 500); use a smaller
        --train-windows, or --batch to train on the whole file and score every window.
        """
    }

    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("windows", .int(windows)),
            ("scored", .int(scored)),
            ("warmup", .int(warmup)),
            ("anomalies", .int(anomalies)),
            ("anomaly_rate", .number(anomalyRate)),
            ("time_basis", .string(timeBasis.rawValue)),
            ("first", first.map { .string(Format.timestamp($0, timeBasis)) } ?? .null),
            ("last", last.map { .string(Format.timestamp($0, timeBasis)) } ?? .null),
            ("window_seconds", .number(windowMilliseconds.map { $0 / 1000 })),
            ("score", score.json),
            ("features", .array(features.map { f in
                .object([
                    ("feature", .string(f.feature)),
                    ("normal_mean", .number(f.normalMean)),
                    ("anomalous_mean", .number(f.anomalousMean)),
                    ("ratio", .number(f.ratio)),
                ])
            })),
            ("histogram", .object([
                ("edges", .array(histogram.edges.map { .number($0) })),
                ("counts", .array(histogram.counts.map { .int($0) })),
            ])),
        ]
        if leadingFeatures.hasReasons {
            members.append(("anomalies_by_leading_feature", .object(leadingFeatures.sorted.map { ($0.feature, .int($0.count)) }
                + (leadingFeatures.withoutReason > 0 ? [("(no reason)", .int(leadingFeatures.withoutReason))] : []))))
        }
        return .object(members)
    }

    /// The human-readable report: counts, describe() table, feature means, histogram.
    package func text(histogramWidth: Int = 40) -> String {
        var out = ""
        let span = (first.map { Format.timestamp($0, timeBasis) } ?? "—") + " → " + (last.map { Format.timestamp($0, timeBasis) } ?? "—")
        out += "windows     \(Format.count(windows))  (\(span)\(timeBasis == .naiveLocal ? ", local wall clock" : " UTC"))\n"
        out += "scored      \(Format.count(scored))  (warm-up \(Format.count(warmup)))\n"
        out += "anomalies   \(Format.count(anomalies))  (\(Format.percent(anomalyRate)) of scored)\n"
        if let w = windowMilliseconds { out += "window      \(Format.number(w / 1000)) s\n" }
        guard scored > 0 else {
            // Nothing to describe: say why instead of a table of dashes and a histogram of zeros.
            out += "\n" + Self.noScoredRowsNote(windows: windows) + "\n"
            return out
        }
        out += "\nscore (pandas describe)\n"
        out += score.text()
        var table = TextTable(["feature", "normal", "anomalous", "anom/normal"])
        out += "\nfeature means, normal vs anomalous windows\n"
        for f in features {
            table.add([f.feature == "abs_return" ? "|return|" : f.feature, Format.number(f.normalMean), Format.number(f.anomalousMean), Format.number(f.ratio, 4)])
        }
        out += table.render()
        if leadingFeatures.hasReasons {
            out += "\nanomalies by leading feature (the first item of their reason)\n"
            var byFeature = TextTable(["leading feature", "anomalies", "share"])
            for (feature, count) in leadingFeatures.sorted {
                byFeature.add([feature, Format.count(count), Format.percent(Double(count) / Double(max(anomalies, 1)))])
            }
            if leadingFeatures.withoutReason > 0 {
                byFeature.add(["(no reason)", Format.count(leadingFeatures.withoutReason),
                               Format.percent(Double(leadingFeatures.withoutReason) / Double(max(anomalies, 1)))])
            }
            out += byFeature.render()
        }
        out += "\nscore histogram (\(histogram.counts.count) bins; negative = anomalous)\n"
        out += TerminalHistogram.render(histogram, width: histogramWidth)
        return out
    }
}

extension DescribeStatistics {
    package var json: JSONValue {
        .object([
            ("count", .int(count)), ("mean", .number(mean)), ("std", .number(std)), ("min", .number(min)),
            ("25%", .number(p25)), ("50%", .number(p50)), ("75%", .number(p75)), ("max", .number(max)),
        ])
    }

    /// Laid out as pandas prints `describe()`.
    package func text(indent: String = "  ") -> String {
        let rows: [(String, String)] = [
            ("count", Format.fixed(Double(count), 6)), ("mean", Format.fixed(mean, 6)), ("std", Format.fixed(std, 6)),
            ("min", Format.fixed(min, 6)), ("25%", Format.fixed(p25, 6)), ("50%", Format.fixed(p50, 6)),
            ("75%", Format.fixed(p75, 6)), ("max", Format.fixed(max, 6)),
        ]
        let width = rows.map(\.1.count).max() ?? 0
        return rows.map { indent + $0.0.padding(5) + "  " + String(repeating: " ", count: width - $0.1.count) + $0.1 }
            .joined(separator: "\n") + "\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// Horizontal bars in the terminal, one line per bin: `[lo, hi)  count  ████`.
package enum TerminalHistogram {
    package static func render(_ h: Histogram, width: Int) -> String {
        let peak = h.counts.max() ?? 0
        var table = TextTable(["from", "to", "count", ""], leftAligned: [3])
        for (k, c) in h.counts.enumerated() {
            let exact = peak > 0 ? Double(c) * Double(width) / Double(peak) : 0
            var bar = String(repeating: "█", count: Int(exact))
            let rest = exact - exact.rounded(.down)
            if rest >= 0.5 { bar += "▌" } else if c > 0 && bar.isEmpty { bar = "▏" }
            table.add([Format.fixed(h.edges[k], 4), Format.fixed(h.edges[k + 1], 4), Format.count(c), bar])
        }
        return table.render()
    }
}
