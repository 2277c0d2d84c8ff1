import AnomalyModel
import BNCCore
import BNCWire

/// Encodes scored rows (DESIGN.md §3) into a reusable byte buffer: CSV with the fixed header, or
/// NDJSON objects with the same keys. Times are ISO 8601 UTC with milliseconds, written digit by
/// digit; integral values are written as integers (`1529`, not `1529.0`), other numbers in Swift's
/// shortest round-trip form (`2.45825`, `6.177236974542697e-07`), which Python and pandas read back
/// to the same double.
package struct ResultFormatter {
    /// BNCWire's `ScoredResultColumn` names, in file order.
    package static let csvColumns = ScoredResultColumn.allCases.map(\.name)
    package static let csvHeader = ScoredResultColumn.csvHeader

    package let format: ResultFormat
    /// The encoded row, `\n`-terminated, valid until the next `encode`.
    package private(set) var bytes: [UInt8] = []
    private static let ndjsonKeys: [[UInt8]] = csvColumns.map { Array("\"\($0)\":".utf8) }
    private static let attributionKey = Array(",\"\(ScoredResultColumn.attributionKey)\":".utf8)
    /// The model features' names as the reason spells them — one after another, name `f` at
    /// `featureNameStarts[f]..<featureNameStarts[f + 1]`, so a row lends them without retaining an
    /// array per reason item — and as NDJSON attribution keys.
    private let featureNameBytes: [UInt8]
    private let featureNameStarts: [Int]
    private let featureKeys: [[UInt8]]
    /// Stands for "no attribution" in `encode(…explained:…)`.
    private static let noAttribution = Attribution(featureCount: 0)
    /// Tie-break of the reason: each feature's rank by name (`Attribution.reason(rank:)`).
    private let featureRank: [Int]
    /// The civil date of the last UTC day written (`time`).
    private var dateDay = Int64.min
    private var date: (year: Int, month: Int, day: Int) = (0, 0, 0)

    package init(format: ResultFormat, featureNames: [String] = ScoringOptions.defaultFeatures) {
        self.format = format
        featureNameBytes = featureNames.flatMap { Array($0.utf8) }
        featureNameStarts = featureNames.reduce(into: [0]) { $0.append($0.last! + $1.utf8.count) }
        featureKeys = featureNames.map { Array("\"\($0)\":".utf8) }
        featureRank = Attribution.nameRank(featureNames)
        bytes.reserveCapacity(1024)
    }

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
    /// goes after the rows already in `bytes` (batch mode encodes a block of rows at a time).
    package mutating func encode(row: WindowRowReader.Fields, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                                 attribution: Attribution? = nil, appending: Bool = false) {
        if let attribution {
            encode(row: row, symbol: symbol, modelVersion: modelVersion, score: score, attribution: attribution,
                   explained: true, appending: appending)
        } else {
            encode(row: row, symbol: symbol, modelVersion: modelVersion, score: score, attribution: Self.noAttribution,
                   explained: false, appending: appending)
        }
    }

    /// As above, with `attribution` used only when `explained`: the per-row path, which lends the
    /// caller's attribution instead of wrapping it in an optional (a copy, retaining its arrays, per row).
    package mutating func encode(row: WindowRowReader.Fields, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?,
                                 attribution: Attribution, explained: Bool, appending: Bool = false) {
        if !appending { bytes.removeAll(keepingCapacity: true) }
        if format == .original {
            encodeOriginal(row: row, score: score)
            return
        }
        let json = format == .ndjson
        if json { bytes.append(UInt8(ascii: "{")) }
        var field = 0
        func separator() {
            if field > 0 { bytes.append(UInt8(ascii: ",")) }
            if json { bytes.append(contentsOf: Self.ndjsonKeys[field]) }
            field += 1
        }
        separator(); time(row.start, quoted: json)
        for c in 0..<5 { separator(); number(row.column(c), json: json) }
        separator()
        if let score { number(score.decision, json: json) } else if json { null() }
        separator()
        if let score {
            if score.isAnomaly { bytes.append(UInt8(ascii: "-")) }
            bytes.append(UInt8(ascii: "1"))
        } else if json { null() }
        separator()
        if json { bytes.append(UInt8(ascii: "\"")) }
        bytes.append(contentsOf: symbol)
        if json { bytes.append(UInt8(ascii: "\"")) }
        separator(); time(row.end, quoted: json)
        separator()
        if row.complete { literal("true") } else { literal("false") }
        separator(); integer(Int64(modelVersion))
        separator()
        if let score { number(score.anomalyScore, json: json) } else if json { null() }
        separator()
        if score != nil {
            if json { bytes.append(UInt8(ascii: "\"")) }
            if explained {
                let reason = attribution.reason(rank: featureRank)
                featureNameBytes.withUnsafeBufferPointer { names in
                    for k in 0..<reason.count {
                        let f = reason[k]
                        ResultReason.append(feature: UnsafeBufferPointer(rebasing: names[featureNameStarts[f]..<featureNameStarts[f + 1]]),
                                            above: attribution.isAbove(f), index: k, to: &bytes)
                    }
                }
            }
            if json { bytes.append(UInt8(ascii: "\"")) }
        } else if json { null() }
        if json {
            bytes.append(contentsOf: Self.attributionKey)
            if score != nil, explained {
                let total = attribution.total
                bytes.append(UInt8(ascii: "{"))
                for f in 0..<featureKeys.count {
                    if f > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes.append(contentsOf: featureKeys[f])
                    number(total > 0 ? attribution.bits[f] / total : 0, json: true)
                }
                bytes.append(UInt8(ascii: "}"))
            } else {
                null()
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// `--format original`: `timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction`
    /// with the window start as local time, as the original project wrote its rows.
    private mutating func encodeOriginal(row: WindowRowReader.Fields, score: AnomalyScore?) {
        localTime(row.start)
        for c in 0..<5 {
            bytes.append(UInt8(ascii: ","))
            number(row.column(c), json: false)
        }
        bytes.append(UInt8(ascii: ","))
        if let score { number(score.decision, json: false) }
        bytes.append(UInt8(ascii: ","))
        if let score {
            if score.isAnomaly { bytes.append(UInt8(ascii: "-")) }
            bytes.append(UInt8(ascii: "1"))
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// `2026-02-28 16:01:20`: epoch milliseconds (floored to the second) in the process's local
    /// time zone (`TZ`), like Python's `datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")`.
    private mutating func localTime(_ ms: Int64) {
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
        digits(year, width: 4); bytes.append(UInt8(ascii: "-"))
        digits(month, width: 2); bytes.append(UInt8(ascii: "-"))
        digits(day, width: 2); bytes.append(UInt8(ascii: " "))
        digits(hour, width: 2); bytes.append(UInt8(ascii: ":"))
        digits(minute, width: 2); bytes.append(UInt8(ascii: ":"))
        digits(second, width: 2)
    }

    /// A constant's bytes (`true`, `null`…), with no array to retain per row.
    @inline(__always)
    private mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func null() { literal("null") }

    /// NaN (a missing column) is an empty CSV cell or JSON null.
    private mutating func number(_ value: Double, json: Bool) {
        guard value.isFinite else {
            if json { null() }
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            if value == 0 && value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            integer(Int64(value))
            return
        }
        // `description`'s text, without a String per number: `Double.write(to:)` hands its digits
        // to the stream's `_writeASCII` (`ASCIISink`), and the row's bytes are lent to the sink.
        var sink = ASCIISink(bytes: [])
        swap(&sink.bytes, &bytes)
        value.write(to: &sink)
        swap(&sink.bytes, &bytes)
    }

    /// A text stream that appends to a byte array. `Double.write(to:)` gives its shortest
    /// round-trip digits to `_writeASCII` (the standard library's hook for ASCII text, a
    /// requirement of `TextOutputStream` with a default that makes a String); `write(_:)` takes
    /// anything else the same way.
    private struct ASCIISink: TextOutputStream {
        var bytes: [UInt8]
        mutating func write(_ string: String) {
            var string = string
            string.withUTF8 { bytes.append(contentsOf: $0) }
        }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
    }

    private mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        DigitBlocks.withDigits(of: value.magnitude) { bytes.append(contentsOf: $0) }
    }

    /// `value` zero-padded to `width` (2, 3 or 4) digits.
    @inline(__always)
    private mutating func digits(_ value: Int, width: Int) {
        let v = UInt(bitPattern: value)
        if width >= 4 { bytes.append(UInt8(truncatingIfNeeded: v / 1000 % 10) &+ 48) }
        if width >= 3 { bytes.append(UInt8(truncatingIfNeeded: v / 100 % 10) &+ 48) }
        bytes.append(UInt8(truncatingIfNeeded: v / 10 % 10) &+ 48)
        bytes.append(UInt8(truncatingIfNeeded: v % 10) &+ 48)
    }

    /// `2026-02-28T16:01:20.000Z` from epoch milliseconds (`UTCTime`'s civil-date arithmetic for
    /// the date, done again only when the day changes: rows come day after day).
    private mutating func time(_ ms: Int64, quoted: Bool) {
        let msPerDay: Int64 = 86_400_000
        var day = ms / msPerDay, rem = ms % msPerDay
        if rem < 0 { rem += msPerDay; day -= 1 }
        if day != dateDay {
            dateDay = day
            date = UTCTime.civil(fromDays: day)
        }
        let t = Int(rem)
        if quoted { bytes.append(UInt8(ascii: "\"")) }
        digits(date.year, width: 4); bytes.append(UInt8(ascii: "-"))
        digits(date.month, width: 2); bytes.append(UInt8(ascii: "-"))
        digits(date.day, width: 2); bytes.append(UInt8(ascii: "T"))
        digits(t / 3_600_000, width: 2); bytes.append(UInt8(ascii: ":"))
        digits(t / 60_000 % 60, width: 2); bytes.append(UInt8(ascii: ":"))
        digits(t / 1000 % 60, width: 2); bytes.append(UInt8(ascii: "."))
        digits(t % 1000, width: 3); bytes.append(UInt8(ascii: "Z"))
        if quoted { bytes.append(UInt8(ascii: "\"")) }
    }
}
