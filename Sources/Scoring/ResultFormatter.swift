import AnomalyModel
import BNCCore
import BNCWire

/// Encodes scored rows (DESIGN.md §3) into a reusable byte buffer: CSV with the fixed header, or
/// NDJSON objects with the same keys. Times are ISO 8601 UTC with milliseconds, written digit by
/// digit; integral values are written as integers (`1529`, not `1529.0`), other numbers in Swift's
/// shortest round-trip form (`2.45825`, `6.177236974542697e-07`), which Python and pandas read back
/// to the same double.
///
/// A row is written through a `RowCursor` into memory reserved for it up front (`rowBound`: an
/// upper bound of the row's size) — the caller's (batch blocks), or scratch that then joins
/// `bytes` in one copy — with no per-byte `Array.append` (a capacity and uniqueness check each).
/// The digits of a non-integral number still come from the standard library
/// (`Double.write(to:)`), so they are `description`'s.
package struct ResultFormatter {
    /// BNCWire's `ScoredResultColumn` names, in file order.
    package static let csvColumns = ScoredResultColumn.allCases.map(\.name)
    package static let csvHeader = ScoredResultColumn.csvHeader

    /// The columns of a row the formatter writes besides the score: what a parsed row (`Fields`)
    /// or a batch table row lends, without the features array (so handing it over retains nothing).
    package struct Window {
        package var start: Int64
        package var end: Int64
        package var complete: Bool
        /// The five result columns (`WindowRowKey.features` order); NaN for a missing one.
        package var columns: (Double, Double, Double, Double, Double)

        package init(start: Int64, end: Int64, complete: Bool, columns: (Double, Double, Double, Double, Double)) {
            self.start = start
            self.end = end
            self.complete = complete
            self.columns = columns
        }

        package init(_ row: WindowRowReader.Fields) {
            self.init(start: row.start, end: row.end, complete: row.complete, columns: row.columns)
        }
    }

    package let format: ResultFormat
    /// The encoded row, `\n`-terminated, valid until the next `encode`.
    package private(set) var bytes: [UInt8] = []

    /// The constant pieces of a row (keys, separators, feature names), read in place.
    private let piece: Pieces
    private let featureCount: Int
    /// Tie-break of the reason: each feature's rank by name (`Attribution.reason(rank:)`).
    private let featureRank: [Int]
    /// `rowBound` without the symbol.
    private let fixedBound: Int
    /// Where a row is written before it joins `bytes`; a copy of the formatter takes its own
    /// before writing (`isKnownUniquelyReferenced`), so copies on other threads never share one.
    private var scratch: RowScratch
    /// The civil date of the last UTC day written (`RowCursor.time`).
    private var dayCache = DayCache()

    /// The fourteen columns (`csvColumns`), `reason` last.
    private static var columnCount: Int { 14 }
    private static var attributionPiece: Int { columnCount }
    private var featureKeyPiece: Int { Self.columnCount + 1 }
    private var featureNamePiece: Int { Self.columnCount + 1 + featureCount }

    /// Stands for "no attribution" in `encode(…explained:…)`.
    private static let noAttribution = Attribution(featureCount: 0)

    package init(format: ResultFormat, featureNames: [String] = ScoringOptions.defaultFeatures) {
        precondition(Self.csvColumns.count == Self.columnCount && Self.csvColumns.last == ScoredResultColumn.reason.name)
        self.format = format
        featureCount = featureNames.count
        featureRank = Attribution.nameRank(featureNames)
        let json = format == .ndjson
        var texts: [String] = Self.csvColumns.enumerated().map { k, name in
            json ? (k == 0 ? "{" : ",") + "\"\(name)\":" : (k == 0 ? "" : ",")
        }
        texts.append(",\"\(ScoredResultColumn.attributionKey)\":")
        texts += featureNames.enumerated().map { f, name in (f == 0 ? "{" : ",") + "\"\(name)\":" }
        texts += featureNames
        piece = Pieces(texts)

        // Every number takes at most `numberBound` bytes (`-1.7976931348623157e+308` is 24, an
        // Int64 20), and so do `null`, `true`, `false` and the prediction.
        let n = RowCursor.numberBound
        switch format {
        case .original:
            // `YYYY-MM-DD HH:MM:SS`, then seven cells each with its comma, and the newline.
            fixedBound = 19 + 7 * (1 + n) + 1
        case .csv, .ndjson:
            let longestName = featureNames.map(\.utf8.count).max() ?? 0
            let keys = piece.start(Self.columnCount + 1)                      // column prefixes and the attribution key
            let times = 2 * (RowCursor.timeLength + 2)                        // quoted in NDJSON
            let cells = 10 * n                                                // the other columns but symbol and reason
            let reason = 2 + ResultReason.maxItems * ResultReason.itemBound(nameLength: longestName)
            let attribution = 2 + (piece.start(Self.columnCount + 1 + featureCount) - piece.start(Self.columnCount + 1))
                + featureCount * n
            fixedBound = keys + times + cells + 2 + reason + max(attribution, n) + 2   // symbol quotes, `}\n`
        }
        scratch = RowScratch(byteCount: fixedBound + 64)
        bytes.reserveCapacity(1024)
    }

    /// The most bytes one row with a symbol of `symbolLength` bytes can take (the scratch a row
    /// is written into is at least this large).
    package func rowBound(symbolLength: Int) -> Int { fixedBound + symbolLength }

    /// Empties `bytes`, keeping its storage.
    package mutating func removeAllBytes() { bytes.removeAll(keepingCapacity: true) }

    /// The original project's header (`--format original`).
    package static let originalHeader = ScoredResultColumn.originalColumns.map(\.name).joined(separator: ",") + "\n"

    /// The header for a new file (CSV only; NDJSON has none).
    package var header: String? {
        switch format {
        case .csv: return Self.csvHeader
        case .original: return Self.originalHeader
        case .ndjson: return nil
        }
    }

    /// Encodes one row; `attribution` (with `score`) gives the `reason` and, in NDJSON, the
    /// `attribution` object; without it a scored row's reason is empty. With `appending`, the row
    /// goes after the rows already in `bytes`.
    package mutating func encode(row: WindowRowReader.Fields, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                                 attribution: Attribution? = nil, appending: Bool = false) {
        if let attribution {
            encode(window: Window(row), symbol: symbol, modelVersion: modelVersion, score: score, attribution: attribution,
                   explained: true, appending: appending)
        } else {
            encode(window: Window(row), symbol: symbol, modelVersion: modelVersion, score: score, attribution: Self.noAttribution,
                   explained: false, appending: appending)
        }
    }

    /// As above, with `attribution` used only when `explained`: the per-row path, which lends the
    /// caller's attribution instead of wrapping it in an optional (a copy, retaining its arrays, per row).
    package mutating func encode(row: WindowRowReader.Fields, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                                 attribution: Attribution, explained: Bool, appending: Bool = false) {
        encode(window: Window(row), symbol: symbol, modelVersion: modelVersion, score: score, attribution: attribution,
               explained: explained, appending: appending)
    }

    /// As above, the row's columns as a `Window`.
    package mutating func encode(window: Window, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                                 attribution: Attribution, explained: Bool, appending: Bool = false) {
        if !appending { bytes.removeAll(keepingCapacity: true) }
        let bound = rowBound(symbolLength: symbol.count)
        if !isKnownUniquelyReferenced(&scratch) || scratch.byteCount < bound {
            scratch = RowScratch(byteCount: max(bound, scratch.byteCount))
        }
        let n = encode(window: window, symbol: symbol, modelVersion: modelVersion, score: score,
                       attribution: attribution, explained: explained, at: scratch.base)
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: scratch.base, count: n))
    }

    /// Writes the row at `row`, which has room for `rowBound(symbolLength: symbol.count)` bytes,
    /// and returns its length; `bytes` is left alone. Batch mode writes a block's rows one after
    /// another straight into the block's memory this way.
    package mutating func encode(window: Window, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                                 attribution: Attribution, explained: Bool, at row: UnsafeMutablePointer<UInt8>) -> Int {
        var out = RowCursor(base: row, day: dayCache)
        // (No closure here: one that captured `self` would copy the formatter, retaining its
        // storage, on every row.)
        if format == .original {
            Self.writeOriginal(window, score: score, into: &out)
        } else {
            write(window, symbol: symbol, modelVersion: modelVersion, score: score,
                  attribution: attribution, explained: explained, into: &out)
        }
        assert(out.count <= rowBound(symbolLength: symbol.count), "row of \(out.count) bytes over its bound")
        dayCache = out.day
        return out.count
    }

    /// What goes before column `k`: in CSV a comma (none before the first), stored as a byte; in
    /// NDJSON the piece with the key.
    @inline(__always)
    private func column(_ k: Int, _ json: Bool, _ out: inout RowCursor) {
        if json {
            out.put(piece(k))
        } else if k > 0 {
            out.put(UInt8(ascii: ","))
        }
    }

    /// A CSV or NDJSON row.
    private func write(_ window: Window, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                       attribution: Attribution, explained: Bool, into out: inout RowCursor) {
        let json = format == .ndjson
        column(0, json, &out); out.time(window.start, quoted: json)
        column(1, json, &out); out.number(window.columns.0, json: json)
        column(2, json, &out); out.number(window.columns.1, json: json)
        column(3, json, &out); out.number(window.columns.2, json: json)
        column(4, json, &out); out.number(window.columns.3, json: json)
        column(5, json, &out); out.number(window.columns.4, json: json)
        column(6, json, &out)
        if let score { out.number(score.decision, json: json) } else if json { out.put("null") }
        column(7, json, &out)
        if let score { out.put(score.isAnomaly ? "-1" : "1") } else if json { out.put("null") }
        column(8, json, &out)
        if json { out.put(UInt8(ascii: "\"")) }
        out.put(symbol)
        if json { out.put(UInt8(ascii: "\"")) }
        column(9, json, &out); out.time(window.end, quoted: json)
        column(10, json, &out); out.put(window.complete ? "true" : "false")
        column(11, json, &out); out.integer(Int64(modelVersion))
        column(12, json, &out)
        if let score { out.number(score.anomalyScore, json: json) } else if json { out.put("null") }
        column(Self.columnCount - 1, json, &out)
        if score != nil {
            if json { out.put(UInt8(ascii: "\"")) }
            if explained {
                let reason = attribution.reason(rank: featureRank)
                for k in 0..<reason.count {
                    let f = reason[k]
                    out.count += ResultReason.write(feature: piece(featureNamePiece + f), above: attribution.isAbove(f),
                                                    index: k, at: UnsafeMutableRawPointer(out.base + out.count))
                }
            }
            if json { out.put(UInt8(ascii: "\"")) }
        } else if json { out.put("null") }
        if json {
            out.put(piece(Self.attributionPiece))
            if score != nil, explained {
                let total = attribution.total
                for f in 0..<featureCount {
                    out.put(piece(featureKeyPiece + f))
                    out.number(total > 0 ? attribution.bits[f] / total : 0, json: true)
                }
                out.put(UInt8(ascii: "}"))
            } else {
                out.put("null")
            }
            out.put(UInt8(ascii: "}"))
        }
        out.put(UInt8(ascii: "\n"))
    }

    /// `--format original`: `timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction`
    /// with the window start as local time, as the original project wrote its rows.
    private static func writeOriginal(_ window: Window, score: AnomalyScore?, into out: inout RowCursor) {
        out.localTime(window.start)
        out.put(UInt8(ascii: ",")); out.number(window.columns.0, json: false)
        out.put(UInt8(ascii: ",")); out.number(window.columns.1, json: false)
        out.put(UInt8(ascii: ",")); out.number(window.columns.2, json: false)
        out.put(UInt8(ascii: ",")); out.number(window.columns.3, json: false)
        out.put(UInt8(ascii: ",")); out.number(window.columns.4, json: false)
        out.put(UInt8(ascii: ","))
        if let score { out.number(score.decision, json: false) }
        out.put(UInt8(ascii: ","))
        if let score { out.put(score.isAnomaly ? "-1" : "1") }
        out.put(UInt8(ascii: "\n"))
    }
}

/// The constant pieces of a row, one after another in memory allocated once and shared by the
/// copies of a formatter (it is never written after `init`), so a row reads them in place without
/// retaining an array per key. In `ResultFormatter`'s order: what goes before each of the
/// fourteen columns (CSV: a comma but before the first; NDJSON: `{` or `,` and the key), the
/// NDJSON `,"attribution":` key, each feature's attribution key (`{` or `,` before it), and each
/// feature's name as the reason spells it.
private final class Pieces: @unchecked Sendable {
    private let bytes: UnsafeMutablePointer<UInt8>
    /// Piece `k` is `bytes[starts[k]..<starts[k + 1]]`.
    private let starts: UnsafeMutablePointer<Int>

    init(_ texts: [String]) {
        let all = texts.flatMap { Array($0.utf8) }
        bytes = .allocate(capacity: max(all.count, 1))
        bytes.initialize(from: all, count: all.count)
        starts = .allocate(capacity: texts.count + 1)
        var offset = 0
        for (k, text) in texts.enumerated() {
            starts[k] = offset
            offset += text.utf8.count
        }
        starts[texts.count] = offset
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
    }

    func start(_ k: Int) -> Int { starts[k] }

    @inline(__always)
    func callAsFunction(_ k: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes + starts[k], count: starts[k + 1] - starts[k])
    }
}

/// The memory a formatter writes a row into: `byteCount` bytes, a class so that it is freed with
/// the last formatter holding it.
private final class RowScratch {
    let base: UnsafeMutablePointer<UInt8>
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        base = .allocate(capacity: byteCount)
    }

    deinit { base.deallocate() }
}

/// The text of the last UTC day a row's time fell on (`YYYY-MM-DD`, ten bytes as two words):
/// rows come day after day, so the date is worked out and spelled again only when the day changes.
private struct DayCache {
    var day = Int64.min
    var head: UInt64 = 0
    var tail: UInt16 = 0
}

/// A write position in memory reserved for one row (`ResultFormatter.rowBound` bytes): stores
/// go straight to memory, without the capacity and uniqueness checks of `Array.append`. It is
/// also the `TextOutputStream` `Double.write(to:)` hands its digits to (`_writeASCII`, the
/// standard library's hook for ASCII text), so a number's text is `description`'s without a String.
private struct RowCursor: TextOutputStream {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0
    var day: DayCache

    init(base: UnsafeMutablePointer<UInt8>, day: DayCache) {
        self.base = base
        self.day = day
    }

    /// Most bytes one number (or `null`, `true`, `false`) takes: `-1.7976931348623157e+308` is 24.
    static let numberBound = 25
    /// `2026-02-28T16:01:20.000Z`.
    static let timeLength = 24

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// A constant's bytes (`true`, `null`…), with no array to retain per row.
    @inline(__always)
    mutating func put(_ text: StaticString) {
        UnsafeMutableRawPointer(base + count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count &+= text.utf8CodeUnitCount
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        if let p = bytes.baseAddress { copy(from: p, count: bytes.count) }
    }

    /// Most pieces of a row are short (a comma, a key, a number's digits): those are copied with
    /// two overlapping loads and stores, without a `memmove` call each; longer ones by `memmove`.
    @inline(__always)
    private mutating func copy(from source: UnsafeRawPointer, count n: Int) {
        let target = UnsafeMutableRawPointer(base + count)
        if n >= 8 && n <= 16 {
            let head = source.loadUnaligned(as: UInt64.self), tail = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = source.loadUnaligned(as: UInt32.self), tail = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n < 4 {
            for k in 0..<n { target.storeBytes(of: source.load(fromByteOffset: k, as: UInt8.self), toByteOffset: k, as: UInt8.self) }
        } else {
            target.copyMemory(from: source, byteCount: n)
        }
        count &+= n
    }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { put(UnsafeRawBufferPointer($0)) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { put(UnsafeRawBufferPointer(buffer)) }

    /// NaN (a missing column) is an empty CSV cell or JSON null. An integral value below 10^15 is
    /// written as an integer (`-0` for −0.0); the test is the one `value == value.rounded()` made,
    /// without a libm call (`Int64(value)` truncates, so it gives `value` back only when integral).
    @inline(__always)
    mutating func number(_ value: Double, json: Bool) {
        guard value.isFinite else {
            if json { put("null") }
            return
        }
        if abs(value) < 1e15, Double(Int64(value)) == value {
            if value == 0 && value.sign == .minus { put(UInt8(ascii: "-")) }
            integer(Int64(value))
            return
        }
        value.write(to: &self)
    }

    /// "00" to "99": two digits per division (the times' fields).
    @inline(__always)
    private static var digitPairs: UnsafePointer<UInt8> {
        let pairs: StaticString = """
            000102030405060708091011121314151617181920212223242526272829303132333435363738394041424344454647484950\
            51525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
            """
        return pairs.utf8Start
    }

    /// The last two decimal digits of `value`.
    @inline(__always)
    mutating func pair(_ value: UInt) {
        let p = Self.digitPairs + Int(value % 100) * 2
        base[count] = p[0]
        base[count &+ 1] = p[1]
        count &+= 2
    }

    mutating func integer(_ value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        DigitBlocks.withDigits(of: value.magnitude) { put($0) }
    }

    /// `value` zero-padded to four digits (the last four of its bit pattern as unsigned, as
    /// every writer of these times has done).
    @inline(__always)
    mutating func fourDigits(_ value: Int) {
        let v = UInt(bitPattern: value)
        pair(v / 100)
        pair(v)
    }

    /// `2026-02-28T16:01:20.000Z` from epoch milliseconds (`UTCTime`'s civil-date arithmetic for
    /// the date, done again only when the day changes).
    mutating func time(_ ms: Int64, quoted: Bool) {
        let msPerDay: Int64 = 86_400_000
        var d = ms / msPerDay, rem = ms % msPerDay
        if rem < 0 { rem += msPerDay; d -= 1 }
        let t = UInt(rem)
        if quoted { put(UInt8(ascii: "\"")) }
        let date = UnsafeMutableRawPointer(base + count)
        if d != day.day {
            let (year, month, dayOfMonth) = UTCTime.civil(fromDays: d)
            fourDigits(year); put(UInt8(ascii: "-"))
            pair(UInt(bitPattern: month)); put(UInt8(ascii: "-"))
            pair(UInt(bitPattern: dayOfMonth))
            day = DayCache(day: d, head: date.loadUnaligned(as: UInt64.self), tail: date.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        } else {
            date.storeBytes(of: day.head, as: UInt64.self)
            date.storeBytes(of: day.tail, toByteOffset: 8, as: UInt16.self)
            count &+= 10
        }
        put(UInt8(ascii: "T"))
        pair(t / 3_600_000); put(UInt8(ascii: ":"))
        pair(t / 60_000 % 60); put(UInt8(ascii: ":"))
        pair(t / 1000 % 60); put(UInt8(ascii: "."))
        put(UInt8(truncatingIfNeeded: t / 100 % 10) &+ 48); pair(t % 1000)
        put(UInt8(ascii: "Z"))
        if quoted { put(UInt8(ascii: "\"")) }
    }

    /// `2026-02-28 16:01:20`: epoch milliseconds (floored to the second) in the process's local
    /// time zone (`TZ`), like Python's `datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")`.
    mutating func localTime(_ ms: Int64) {
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else {
            // No local time for it (cannot happen for window times): UTC rather than nothing.
            let t = UTCTime(epochMilliseconds: ms)
            civil(t.year, t.month, t.day, t.hour, t.minute, t.second)
            return
        }
        civil(Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
              Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private mutating func civil(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) {
        fourDigits(year); put(UInt8(ascii: "-"))
        pair(UInt(bitPattern: month)); put(UInt8(ascii: "-"))
        pair(UInt(bitPattern: day)); put(UInt8(ascii: " "))
        pair(UInt(bitPattern: hour)); put(UInt8(ascii: ":"))
        pair(UInt(bitPattern: minute)); put(UInt8(ascii: ":"))
        pair(UInt(bitPattern: second))
    }
}
