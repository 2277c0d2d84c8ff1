/// What a row's `timestamp` means: our files carry UTC instants, the original project's carry
/// the local wall clock of the machine that wrote them, without a zone.
package enum TimeBasis: String, Sendable, Equatable {
    /// ISO 8601 with `Z` (our CSV and NDJSON).
    case utc
    /// `YYYY-MM-DD HH:MM:SS` as the original wrote it: read as a naive wall-clock time (no zone
    /// conversion), so "hour" means the hour printed in the file.
    case naiveLocal = "naive-local"
}

/// The scored-results series as columns (one array per field), in time order, which is what
/// every analysis walks: a million rows stay a handful of flat arrays.
///
/// Timestamps are epoch milliseconds; for `TimeBasis.naiveLocal` they are the wall-clock fields
/// read as if they were UTC. A row without a score (the model's warm-up) has `score` NaN and
/// `prediction` 0.
package struct ResultSeries: Sendable {
    package var timestamp: [Int64] = []
    /// `window_end` in ms, or `Int64.min` when the file has none (the original's CSV).
    package var windowEnd: [Int64] = []
    package var tradeCount: [Double] = []
    package var volume: [Double] = []
    package var avgTradeSize: [Double] = []
    package var returns: [Double] = []
    package var volatility: [Double] = []
    /// scikit-learn's `decision_function`; NaN while the model is warming up.
    package var score: [Double] = []
    /// -1 anomaly, 1 normal, 0 none (warm-up).
    package var prediction: [Int8] = []
    /// Index into `symbols`; 0 (`""`) when the file has no symbol column.
    package var symbolIndex: [UInt16] = []
    package var symbols: [String] = [""]
    /// Index into `reasons` (0 = none: unscored, or a file without the `reason` column). May be
    /// shorter than the other columns when rows were added without it; `reason(_:)` reads it.
    package var reasonIndex: [UInt16] = []
    /// The distinct reasons seen (`""` first), e.g. `volume↑;trade_count↑`: a handful of
    /// combinations repeat, so each row keeps two bytes instead of a string.
    package private(set) var reasons: [String] = [""]
    package var timeBasis: TimeBasis = .utc
    /// The formats the rows came from, in the order first seen.
    package var formats: [ResultFormat] = []

    package init() {}

    package var count: Int { timestamp.count }

    package mutating func reserveCapacity(_ n: Int) {
        timestamp.reserveCapacity(n); windowEnd.reserveCapacity(n)
        tradeCount.reserveCapacity(n); volume.reserveCapacity(n); avgTradeSize.reserveCapacity(n)
        returns.reserveCapacity(n); volatility.reserveCapacity(n); score.reserveCapacity(n)
        prediction.reserveCapacity(n); symbolIndex.reserveCapacity(n)
    }

    /// At most this many distinct symbols in one series (Binance lists a few thousand); a row
    /// with one more is a bad row. Keeps the index in `UInt16` and the lookups cheap.
    package static let maxSymbols = 10_000

    /// `symbols` by name, for `symbolIndex(for:)`.
    private var symbolLookup: [String: UInt16] = ["": 0]
    private var reasonLookup: [String: UInt16] = ["": 0]

    /// At most this many distinct reasons are kept whole; a further one keeps its leading item
    /// only (what `summary` counts by), so a hostile file cannot grow the table without end.
    package static let maxReasons = 4096

    /// The index of `reason` in `reasons`, adding it when new.
    package mutating func reasonIndex(for reason: String) -> UInt16 {
        if let i = reasonLookup[reason] { return i }
        guard reasons.count < Self.maxReasons else {
            let leading = String(reason.prefix { $0 != ";" })
            if let i = reasonLookup[leading] { return i }
            return reasons.count < Self.maxReasons + 64 ? addReason(leading) : 0
        }
        return addReason(reason)
    }

    private mutating func addReason(_ reason: String) -> UInt16 {
        reasons.append(reason)
        let index = UInt16(reasons.count - 1)
        reasonLookup[reason] = index
        return index
    }

    /// Row `i`'s reason (formats.md §3 `reason`), or nil when it has none.
    @inline(__always) package func reason(_ i: Int) -> String? {
        guard i < reasonIndex.count, reasonIndex[i] != 0 else { return nil }
        return reasons[Int(reasonIndex[i])]
    }

    /// Appends row `count − 1`'s reason (after its other columns), padding rows added without one.
    package mutating func appendReason(_ reason: String?) {
        while reasonIndex.count < count - 1 { reasonIndex.append(0) }
        reasonIndex.append(reason.map { reasonIndex(for: $0) } ?? 0)
    }

    /// The index of `symbol` in `symbols`, adding it when new; nil when `maxSymbols` are taken.
    package mutating func symbolIndex(for symbol: String) -> UInt16? {
        if let i = symbolLookup[symbol] { return i }
        guard symbols.count <= Self.maxSymbols else { return nil }
        symbols.append(symbol)
        let index = UInt16(symbols.count - 1)
        symbolLookup[symbol] = index
        return index
    }

    /// Takes `other`'s symbol and reason tables (no rows): a streamed file's part starts from
    /// the tables of the files before it, so its indices are the stream's own.
    package mutating func adoptTables(of other: ResultSeries) {
        symbols = other.symbols
        symbolLookup = other.symbolLookup
        reasons = other.reasons
        reasonLookup = other.reasonLookup
    }

    /// Symbols that occur in the rows (not the empty placeholder), sorted.
    package var presentSymbols: [String] {
        var seen = [Bool](repeating: false, count: symbols.count)
        for i in symbolIndex { seen[Int(i)] = true }
        return symbols.indices.filter { seen[$0] && !symbols[$0].isEmpty }.map { symbols[$0] }.sorted()
    }

    /// Whether row `i` was scored (the model was past its warm-up).
    @inline(__always) package func isScored(_ i: Int) -> Bool { !score[i].isNaN }

    /// Whether row `i` was predicted anomalous.
    @inline(__always) package func isAnomaly(_ i: Int) -> Bool { prediction[i] == -1 }

    /// Appends every row of `other` (symbols remapped), keeping the combined formats; returns how
    /// many rows were left out because their symbol would exceed `maxSymbols`.
    @discardableResult
    package mutating func append(contentsOf other: ResultSeries) -> Int {
        if count == 0 && symbols == [""] {
            // Nothing to merge with: take the other's columns as they are (no copy).
            var merged = formats
            for f in other.formats where !merged.contains(f) { merged.append(f) }
            let basis = timeBasis
            self = other
            timeBasis = basis
            formats = merged
            return 0
        }
        let remap = other.symbols.map { symbolIndex(for: $0) }
        for f in other.formats where !formats.contains(f) { formats.append(f) }
        var source = other, left = 0
        if remap.contains(nil) {
            // Too many symbols in all: the rows of the ones that do not fit are left out.
            let fits = other.symbolIndex.indices.filter { remap[Int(other.symbolIndex[$0])] != nil }
            left = other.count - fits.count
            source = other.selecting(fits)
        }
        timestamp += source.timestamp; windowEnd += source.windowEnd
        tradeCount += source.tradeCount; volume += source.volume; avgTradeSize += source.avgTradeSize
        returns += source.returns; volatility += source.volatility; score += source.score
        prediction += source.prediction
        symbolIndex += source.symbolIndex.map { remap[Int($0)]! }
        // The reason table is taken over even without rows: a streamed part (rows handed to a
        // sink) extends the table it adopted, and its rows' indices are those of the extension.
        let reasonRemap = source.reasons.map { reasonIndex(for: $0) }
        if !source.reasonIndex.isEmpty {
            let first = count - source.count
            while reasonIndex.count < first { reasonIndex.append(0) }
            reasonIndex += source.reasonIndex.map { reasonRemap[Int($0)] }
        }
        return left
    }

    /// Whether the rows are already in non-decreasing time order.
    package var isSorted: Bool {
        var i = 1
        while i < timestamp.count {
            if timestamp[i] < timestamp[i - 1] { return false }
            i += 1
        }
        return true
    }

    /// Puts the rows in time order; rows with equal timestamps keep their input order (a stable
    /// sort, as pandas' `sort_values(kind="stable")`).
    package mutating func sortByTime() {
        guard !isSorted else { return }
        let order = Array(0..<count).sorted { a, b in
            timestamp[a] != timestamp[b] ? timestamp[a] < timestamp[b] : a < b
        }
        self = selecting(order)
    }

    /// Drops every row that repeats an earlier one exactly — same symbol, same start, same values
    /// in every column read (a file given twice, windows appended twice) — keeping the first.
    /// Rows must be in time order (`sortByTime`). Returns how many were dropped, and how many
    /// rows share a symbol and start with an earlier row but differ from it (kept: which one is
    /// right cannot be told).
    package mutating func removeExactRepeats() -> (dropped: Int, conflicting: Int) {
        var tied = false
        for i in 1..<max(count, 1) where timestamp[i] == timestamp[i - 1] { tied = true; break }
        guard tied else { return (0, 0) }   // the common case: every start differs
        var keep: [Int] = []
        keep.reserveCapacity(count)
        var dropped = 0, conflicting = 0
        var start = 0
        // Hash sets per group of equal starts: linear even when a million rows share one start.
        var seenRows = Set<RowValues>(), seenSymbols = Set<UInt16>()
        while start < count {
            var end = start + 1
            while end < count && timestamp[end] == timestamp[start] { end += 1 }
            if end - start == 1 {
                keep.append(start)
            } else {
                seenRows.removeAll(keepingCapacity: true)
                seenSymbols.removeAll(keepingCapacity: true)
                for j in start..<end {
                    if !seenRows.insert(values(j)).inserted { dropped += 1; continue }
                    if !seenSymbols.insert(symbolIndex[j]).inserted { conflicting += 1 }
                    keep.append(j)
                }
            }
            start = end
        }
        if dropped > 0 { self = selecting(keep) }
        return (dropped, conflicting)
    }

    /// One row's values as hashable bits (the timestamp is the group's): NaN (no score) equal
    /// to NaN, −0 equal to 0, as `==` would have them.
    private struct RowValues: Hashable {
        var symbol: UInt16, prediction: Int8, windowEnd: Int64
        var bits: [UInt64]
    }

    private func values(_ i: Int) -> RowValues {
        @inline(__always) func key(_ x: Double) -> UInt64 { x.isNaN ? UInt64.max : (x == 0 ? 0 : x.bitPattern) }
        return RowValues(symbol: symbolIndex[i], prediction: prediction[i], windowEnd: windowEnd[i],
                         bits: [key(score[i]), key(tradeCount[i]), key(volume[i]), key(avgTradeSize[i]), key(returns[i]), key(volatility[i])])
    }

    /// The rows at `indices`, in that order.
    package func selecting(_ indices: [Int]) -> ResultSeries {
        var out = ResultSeries()
        out.symbols = symbols
        out.symbolLookup = symbolLookup
        out.timeBasis = timeBasis
        out.formats = formats
        out.timestamp = indices.map { timestamp[$0] }
        out.windowEnd = indices.map { windowEnd[$0] }
        out.tradeCount = indices.map { tradeCount[$0] }
        out.volume = indices.map { volume[$0] }
        out.avgTradeSize = indices.map { avgTradeSize[$0] }
        out.returns = indices.map { returns[$0] }
        out.volatility = indices.map { volatility[$0] }
        out.score = indices.map { score[$0] }
        out.prediction = indices.map { prediction[$0] }
        out.symbolIndex = indices.map { symbolIndex[$0] }
        if !reasonIndex.isEmpty {
            out.reasons = reasons
            out.reasonLookup = reasonLookup
            out.reasonIndex = indices.map { $0 < reasonIndex.count ? reasonIndex[$0] : 0 }
        }
        return out
    }

    /// Only the rows of `symbol` (upper-cased, as rows carry it).
    package func filtered(symbol: String) -> ResultSeries {
        let wanted = symbol.uppercased()
        guard let idx = symbols.firstIndex(of: wanted) else { return selecting([]) }
        return selecting(symbolIndex.indices.filter { symbolIndex[$0] == UInt16(idx) })
    }

    /// The window length in ms: the median of `window_end − timestamp` when the rows carry
    /// `window_end`, else the median spacing of consecutive timestamps (pandas'
    /// `timestamp.diff().median()`); nil when neither can be told (fewer than two rows).
    package var inferredWindowMilliseconds: Double? {
        var spans: [Double] = []
        for i in 0..<count where windowEnd[i] != Int64.min {
            spans.append(Double(windowEnd[i] - timestamp[i]))
        }
        if spans.isEmpty {
            guard count >= 2 else { return nil }
            spans.reserveCapacity(count - 1)
            for i in 1..<count { spans.append(Double(timestamp[i] - timestamp[i - 1])) }
        }
        spans.sort()
        return Quantile.linear(sorted: spans, 0.5)
    }
}
