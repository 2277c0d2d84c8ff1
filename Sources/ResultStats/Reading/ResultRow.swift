/// One scored-results row as every analysis sees it: the values of a `ResultSeries` row, by
/// value. Plain data (no references), so a run of rows can be written to and read back from a
/// spill file byte for byte (`SortedRuns`).
package struct ResultRow: Sendable, Equatable {
    /// Epoch milliseconds (for `TimeBasis.naiveLocal`, the wall-clock fields read as UTC).
    package var timestamp: Int64
    /// `window_end` in ms, or `Int64.min` when the file has none.
    package var windowEnd: Int64
    package var tradeCount: Double
    package var volume: Double
    package var avgTradeSize: Double
    package var ret: Double
    package var volatility: Double
    /// NaN while the model is warming up.
    package var score: Double
    /// -1 anomaly, 1 normal, 0 none (warm-up).
    package var prediction: Int8
    /// Index into the source's symbol table; 0 (`""`) when the file has no symbol column.
    package var symbol: UInt16
    /// Index into the source's reason table (formats.md §3 `reason`); 0 when the row has none
    /// (unscored, or a file without the column). Not one of the values `RepeatFilter` compares.
    package var reason: UInt16

    package init(timestamp: Int64, windowEnd: Int64 = .min, tradeCount: Double, volume: Double, avgTradeSize: Double,
                 ret: Double, volatility: Double, score: Double, prediction: Int8, symbol: UInt16 = 0, reason: UInt16 = 0) {
        self.timestamp = timestamp; self.windowEnd = windowEnd
        self.tradeCount = tradeCount; self.volume = volume; self.avgTradeSize = avgTradeSize
        self.ret = ret; self.volatility = volatility; self.score = score
        self.prediction = prediction; self.symbol = symbol; self.reason = reason
    }

    @inline(__always) package var isScored: Bool { !score.isNaN }
    @inline(__always) package var isAnomaly: Bool { prediction == -1 }
}

/// Rows in time order, as many times as an analysis asks: every analysis is written as one or
/// more passes over a source, keeping only what its statistic needs (bounded memory). Two
/// sources exist: `ResultSeries` (rows in memory: tests, small inputs) and `ResultStream` (files
/// and stdin read again for each pass, never held whole).
package protocol ResultRowSource {
    associatedtype Failure: Error
    var timeBasis: TimeBasis { get }
    /// What `ResultRow.symbol` indexes (index 0 is "", no symbol); complete once a pass has ended.
    var symbols: [String] { get }
    /// What `ResultRow.reason` indexes (index 0 is "", no reason); complete once a pass has ended.
    var reasons: [String] { get }
    /// Calls `body` for every row, in time order (stable), repeats already dropped.
    func forEachRow(_ body: (ResultRow) -> Void) throws(Failure)
}

extension ResultSeries: ResultRowSource {
    package typealias Failure = Never

    package func forEachRow(_ body: (ResultRow) -> Void) {
        for i in 0..<count { body(row(i)) }
    }

    /// Row `i` by value.
    @inline(__always) package func row(_ i: Int) -> ResultRow {
        ResultRow(timestamp: timestamp[i], windowEnd: windowEnd[i], tradeCount: tradeCount[i], volume: volume[i],
                  avgTradeSize: avgTradeSize[i], ret: returns[i], volatility: volatility[i], score: score[i],
                  prediction: prediction[i], symbol: symbolIndex[i], reason: i < reasonIndex.count ? reasonIndex[i] : 0)
    }

    /// Appends one row (the symbol index must be one of `symbols`).
    package mutating func append(_ r: ResultRow) {
        timestamp.append(r.timestamp); windowEnd.append(r.windowEnd)
        tradeCount.append(r.tradeCount); volume.append(r.volume); avgTradeSize.append(r.avgTradeSize)
        returns.append(r.ret); volatility.append(r.volatility); score.append(r.score)
        prediction.append(r.prediction); symbolIndex.append(r.symbol)
        if r.reason != 0 || !reasonIndex.isEmpty {
            while reasonIndex.count < count - 1 { reasonIndex.append(0) }
            reasonIndex.append(r.reason)
        }
    }
}
