/// Drops rows that repeat an earlier row exactly, as rows stream past in time order: only rows
/// with the same start can repeat each other, so only the current group of equal starts is held
/// (one row nearly always; a few when several symbols or models share a start). The rules are
/// `ResultSeries.removeExactRepeats`': same symbol, start and values → dropped (counted); same
/// symbol and start, other values → kept, counted as conflicting.
struct RepeatFilter {
    /// The last row seen, held until the next shows whether its start repeats; `group` takes
    /// over only while several rows share a start.
    private var pending: ResultRow?
    private var group: [ResultRow] = []
    private(set) var dropped = 0, conflicting = 0
    private var seenRows = Set<RowValues>(), seenSymbols = Set<UInt16>()

    /// Takes the next row (non-decreasing timestamps); rows that are complete pass to `emit`.
    @inline(__always)
    mutating func add(_ row: ResultRow, _ emit: (ResultRow) -> Void) {
        guard let held = pending else { pending = row; return }
        if held.timestamp != row.timestamp {
            if group.isEmpty { emit(held) } else { flushGroup(emit) }
            pending = row
        } else {
            if group.isEmpty { group.append(held) }
            group.append(row)
            pending = row
        }
    }

    /// Emits what is held (call at the end).
    mutating func flush(_ emit: (ResultRow) -> Void) {
        if group.isEmpty { if let held = pending { emit(held) } } else { flushGroup(emit) }
        pending = nil
    }

    private mutating func flushGroup(_ emit: (ResultRow) -> Void) {
        seenRows.removeAll(keepingCapacity: true)
        seenSymbols.removeAll(keepingCapacity: true)
        for r in group {
            if !seenRows.insert(RowValues(r)).inserted { dropped += 1; continue }
            if !seenSymbols.insert(r.symbol).inserted { conflicting += 1 }
            emit(r)
        }
        group.removeAll(keepingCapacity: true)
    }

    /// One row's values as hashable bits (the timestamp is the group's): NaN (no score) equal
    /// to NaN, −0 equal to 0, as `==` would have them.
    private struct RowValues: Hashable {
        var symbol: UInt16, prediction: Int8, windowEnd: Int64
        var a: UInt64, b: UInt64, c: UInt64, d: UInt64, e: UInt64, f: UInt64
        init(_ r: ResultRow) {
            @inline(__always) func key(_ x: Double) -> UInt64 { x.isNaN ? UInt64.max : (x == 0 ? 0 : x.bitPattern) }
            symbol = r.symbol; prediction = r.prediction; windowEnd = r.windowEnd
            a = key(r.score); b = key(r.tradeCount); c = key(r.volume); d = key(r.avgTradeSize); e = key(r.ret); f = key(r.volatility)
        }
    }
}
