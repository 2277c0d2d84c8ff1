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

    /// From result rows whose window is `inputWindowMilliseconds` long.
    package init(rows s: ResultSeries, sizes: [DurationSpec], inputWindowMilliseconds w0: Double) {
        source = .windows
        inputWindowMilliseconds = w0
        self.sizes = sizes.map { size in
            let W = size.milliseconds
            let ratio = Double(W) / w0
            guard W > 0, ratio >= 1, ratio < 1e15, ratio == ratio.rounded() else {   // < 1e15: an Int, and finite
                return Size(seconds: size, windows: 0, trades: (.nan, .nan), volume: (.nan, .nan),
                            note: "not a multiple of the input window (\(Format.number(w0 / 1000)) s)")
            }
            let per = Int(ratio)
            var trades: [Double] = [], volumes: [Double] = []
            var i = 0
            let n = s.count
            while i < n {
                let key = floorDiv(s.timestamp[i], W)
                var j = i, t = 0.0, v = 0.0
                while j < n && floorDiv(s.timestamp[j], W) == key { t += s.tradeCount[j]; v += s.volume[j]; j += 1 }
                if j - i == per { trades.append(t); volumes.append(v) }
                i = j
            }
            return Size(seconds: size, windows: trades.count,
                        trades: (NumPySum.mean(trades), NumPySum.standardDeviation(trades)),
                        volume: (NumPySum.mean(volumes), NumPySum.standardDeviation(volumes)), note: nil)
        }
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

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
