import BNCCore

/// `cv`: how steady per-window activity is for candidate window sizes — the coefficient of
/// variation (std / mean, std with ddof 1 as pandas' `Series.std()`) of the trade count (and the
/// volume, where the input has it) per window. Only whole windows count:
///
/// - from result rows (any window size w, e.g. bnc-window `--window 1s`): the W-second windows
///   aligned to multiples of W since the epoch, as bnc-window would cut them, that hold all W / w
///   rows; W must be a multiple of w. (pandas: `groupby(ts // W)` keeping groups of size W / w.)
/// - from the original's `trade_rate*.csv` (one row per second in its own accounting, stamped at
///   irregular instants): runs of W consecutive rows from the first, the leftover tail dropped
///   (`x[:len(x)//W*W].reshape(-1, W).sum(axis=1)`).
package struct WindowSizeStudy: Sendable {
    package enum Source: String, Sendable { case windows, tradeRate = "trade-rate" }

    package struct Size: Sendable {
        package var seconds: DurationSpec
        /// Whole windows found; 0 when W is not a multiple of the input window.
        package var windows: Int
        package var trades: (mean: Double, std: Double)
        package var volume: (mean: Double, std: Double)?
        package var tradesCV: Double { trades.std / trades.mean }
        package var volumeCV: Double? { volume.map { $0.std / $0.mean } }
        /// Why the size was not studied (not a multiple of the input window), if so.
        package var note: String?
    }

    package var source: Source
    package var inputWindowMilliseconds: Double
    package var sizes: [Size]

    package static let defaultSizes: [DurationSpec] = [1, 5, 10, 20, 30, 60].map { DurationSpec(milliseconds: Int64($0) * 1000) }

    /// From result rows whose window is `inputWindowMilliseconds` long. Three passes, each
    /// holding a few numbers per size: the whole windows are counted, then summed (NumPy's
    /// pairwise order, known once the count is: `StreamingPairwiseSum`) for the means, then the
    /// squared deviations summed for the stds — pandas' two-pass `std` with its bits, and no
    /// array of window sums.
    package init<S: ResultRowSource>(rows s: S, sizes: [DurationSpec], inputWindowMilliseconds w0: Double) throws(S.Failure) {
        source = .windows
        inputWindowMilliseconds = w0
        // Rows per W-window for each size, or nil when W is not a multiple of w0.
        let per: [Int?] = sizes.map { size in
            let ratio = Double(size.milliseconds) / w0
            guard size.milliseconds > 0, ratio >= 1, ratio < 1e15, ratio == ratio.rounded() else { return nil }   // < 1e15: an Int, and finite
            return Int(ratio)
        }
        let counts = try Self.windowPass(s, sizes, per) { _, _, _ in }
        var tradeSums = counts.map { StreamingPairwiseSum(count: $0) }, volumeSums = tradeSums
        _ = try Self.windowPass(s, sizes, per) { k, t, v in tradeSums[k].add(t); volumeSums[k].add(v) }
        let tradeMeans = sizes.indices.map { counts[$0] > 0 ? tradeSums[$0].result! / Double(counts[$0]) : .nan }
        let volumeMeans = sizes.indices.map { counts[$0] > 0 ? volumeSums[$0].result! / Double(counts[$0]) : .nan }
        var tradeSquares = counts.map { StreamingPairwiseSum(count: $0) }, volumeSquares = tradeSquares
        _ = try Self.windowPass(s, sizes, per) { k, t, v in
            let dt = tradeMeans[k] - t, dv = volumeMeans[k] - v
            tradeSquares[k].add(dt * dt); volumeSquares[k].add(dv * dv)
        }
        func std(_ sum: StreamingPairwiseSum, _ n: Int) -> Double { n - 1 > 0 ? (sum.result! / Double(n - 1)).squareRoot() : .nan }
        self.sizes = sizes.indices.map { k in
            guard per[k] != nil else {
                return Size(seconds: sizes[k], windows: 0, trades: (.nan, .nan), volume: (.nan, .nan),
                            note: "not a multiple of the input window (\(Format.number(w0 / 1000)) s)")
            }
            return Size(seconds: sizes[k], windows: counts[k], trades: (tradeMeans[k], std(tradeSquares[k], counts[k])),
                        volume: (volumeMeans[k], std(volumeSquares[k], counts[k])), note: nil)
        }
    }

    /// One pass: the whole W-windows of every size (epoch-aligned, holding all W / w0 rows), in
    /// time order, handed to `body` as (size index, trades, volume); returns their counts.
    private static func windowPass<S: ResultRowSource>(_ s: S, _ sizes: [DurationSpec], _ per: [Int?],
                                                       _ body: (Int, Double, Double) -> Void) throws(S.Failure) -> [Int] {
        var open = [OpenWindow?](repeating: nil, count: sizes.count)
        var counts = [Int](repeating: 0, count: sizes.count)
        func close(_ k: Int) {
            if let o = open[k], o.rows == per[k] { counts[k] += 1; body(k, o.t, o.v) }
        }
        try s.forEachRow { r in
            for k in sizes.indices where per[k] != nil {
                let key = floorDiv(r.timestamp, sizes[k].milliseconds)
                if let o = open[k], o.key == key {
                    open[k]!.rows += 1; open[k]!.t += r.tradeCount; open[k]!.v += r.volume
                } else {
                    close(k)
                    open[k] = OpenWindow(key: key, rows: 1, t: 0 + r.tradeCount, v: 0 + r.volume)
                }
            }
        }
        for k in sizes.indices where per[k] != nil { close(k) }
        return counts
    }

    /// From the original's per-second trade counts.
    package init(tradeRates r: TradeRateSeries, sizes: [DurationSpec]) {
        source = .tradeRate
        inputWindowMilliseconds = 1000
        self.sizes = sizes.map { size in
            guard size.milliseconds > 0, size.milliseconds % 1000 == 0 else {
                return Size(seconds: size, windows: 0, trades: (.nan, .nan), volume: nil, note: "not a whole number of seconds")
            }
            let W = Int(size.milliseconds / 1000)
            let k = r.count / W
            var sums = [Double](repeating: 0, count: k)
            for g in 0..<k {
                // numpy's sum along a row of W values (pairwise, W ≤ 128 → 8 accumulators).
                sums[g] = r.tradesPerSecond.withUnsafeBufferPointer { NumPySum.sum(UnsafeBufferPointer(rebasing: $0[(g * W)..<(g * W + W)])) }
            }
            return Size(seconds: size, windows: k, trades: (NumPySum.mean(sums), NumPySum.standardDeviation(sums)), volume: nil, note: nil)
        }
    }

    package var json: JSONValue {
        .object([
            ("source", .string(source.rawValue)),
            ("input_window_seconds", .number(inputWindowMilliseconds / 1000)),
            ("ddof", .int(1)),
            ("sizes", .array(sizes.map { z in
                .object([
                    ("window_seconds", .number(z.seconds.seconds)),
                    ("windows", .int(z.windows)),
                    ("trades_mean", .number(z.trades.mean)),
                    ("trades_std", .number(z.trades.std)),
                    ("trades_cv", .number(z.tradesCV)),
                    ("volume_mean", .number(z.volume?.mean)),
                    ("volume_std", .number(z.volume?.std)),
                    ("volume_cv", .number(z.volumeCV)),
                ])
            })),
        ])
    }

    package func text() -> String {
        var out = "coefficient of variation = std / mean per window (std ddof 1); whole windows only; source: "
        out += source == .tradeRate ? "per-second trade counts (runs of W rows)\n" : "\(Format.number(inputWindowMilliseconds / 1000)) s window rows (epoch-aligned W-second windows)\n"
        var t = TextTable(["window", "windows", "trades mean", "trades std", "trades CV", "volume CV", ""], leftAligned: [0, 6])
        for z in sizes {
            t.add([z.seconds.description, Format.count(z.windows), Format.number(z.trades.mean, 5), Format.number(z.trades.std, 5),
                   Format.number(z.tradesCV, 4), z.volumeCV.map { Format.number($0, 4) } ?? "—", z.note ?? ""])
        }
        out += t.render()
        return out
    }
}

/// A W-window being summed in `WindowSizeStudy.windowPass`.
private struct OpenWindow { var key: Int64; var rows: Int; var t: Double; var v: Double }

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
