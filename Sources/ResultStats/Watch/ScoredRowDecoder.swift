import BNCCore
import BNCWire

/// Turns the lines of one result file, one at a time, into `WatchRow`s. How a line is read and
/// checked is `ResultLineDecoder`'s, the results format's one reader (shared with
/// `ResultReader`); this adds what a follower needs: a verdict per line worded for stderr, and
/// the values `watch` shows that the analyses do not keep (`anomaly_score`, the `reason` text as
/// written, the symbol's text).
package struct ScoredRowDecoder: Sendable {
    /// What one line turned out to be.
    package enum Line: Sendable, Equatable {
        case row(WatchRow)
        /// The header (or an empty line): nothing to do.
        case none
        /// A row that cannot be read, and why (skipped and counted by the caller).
        case bad(String)
    }

    private var decoder = ResultLineDecoder(options: .init(anomalyScore: true, strict: false))

    package var format: ResultFormat? { decoder.format }

    package init() {}

    /// Forgets the header: the next line is a file's first (rotation, truncation, re-creation).
    package mutating func reset() { decoder.reset() }

    package mutating func decode(_ bytes: UnsafeRawBufferPointer) -> Line {
        var bytes = bytes
        if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .none }
        if decoder.format == nil {
            switch decoder.detect(bytes) {
            case nil:
                return .bad("not a result file (the first line is neither a results header nor a JSON object)")
            case .tradeRateCSV:
                decoder.reset()
                return .bad("a trade-rate file (event_time,trades_per_sec), not scored windows")
            case .ourCSV, .originalCSV:
                return .none
            case .ourNDJSON:
                break
            }
        }
        switch decoder.decode(bytes) {
        case .blank: return .none
        case .bad(let reason): return .bad(reason)
        case .row(let r): return .row(watchRow(r, bytes))
        }
    }

    private func watchRow(_ r: ResultLineDecoder.Row, _ bytes: UnsafeRawBufferPointer) -> WatchRow {
        var row = WatchRow(symbol: r.symbol.map { ResultLineDecoder.text(bytes, $0).uppercased() } ?? "", start: r.timestamp ?? 0,
                           end: r.windowEnd == Int64.min ? nil : r.windowEnd,
                           timeBasis: decoder.format == .originalCSV ? .naiveLocal : .utc)
        row.tradeCount = r.tradeCount
        row.volume = r.volume
        row.avgTradeSize = r.avgTradeSize
        row.priceReturn = r.ret
        row.volatility = r.volatility
        row.score = r.score.isNaN ? nil : r.score
        row.prediction = r.prediction
        row.anomalyScore = r.anomalyScore.isNaN ? nil : r.anomalyScore
        row.reason = r.reason
        return row
    }
}
