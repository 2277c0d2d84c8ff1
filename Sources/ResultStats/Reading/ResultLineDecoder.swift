import BNCCore
import BNCWire

/// The one owner of how a line of a scored-results file (docs/formats.md §3: our CSV with or
/// without `reason`, our NDJSON, the original project's 8-column CSV) is read and checked: the
/// first line decides the format and the column map, every later line becomes a `Row` of values
/// (the symbol as a range into the line) or a bad-row reason worded for stderr.
///
/// Both readers use it: `ResultReader` (whole files, mapped, two threads; it keeps no per-row
/// allocation on this path) and `bnc-stats watch` (`ScoredRowDecoder`, lines as they arrive).
/// They differ only in `Options`: watch also wants `anomaly_score`, shows rows with features
/// missing, and shows a `reason` as it is written instead of requiring formats.md's grammar.
package struct ResultLineDecoder: Sendable {
    package struct Options: Sendable {
        /// Which optional feature columns to parse; the others read as 0.
        package var columns: ResultColumns = .all
        /// Read `anomaly_score` (bnc-stats' analyses never look at it, so they do not parse it).
        package var anomalyScore = false
        /// Every row needs all five features and a well-formed `reason` (bnc-stats); without it
        /// a missing feature reads as NaN and any `reason` text is kept (watch's live view).
        package var strict = true
        package init(columns: ResultColumns = .all, anomalyScore: Bool = false, strict: Bool = true) {
            self.columns = columns; self.anomalyScore = anomalyScore; self.strict = strict
        }
    }

    /// What a column holds; `eventTime`/`tradesPerSec` are a trade-rate file's (which
    /// `ResultReader` reads itself: it is not a results file).
    package enum Column: Sendable {
        case timestamp, windowEnd, tradeCount, volume, avgTradeSize, ret, volatility, score, prediction, symbol, reason
        case anomalyScore, eventTime, tradesPerSec, other
    }

    /// The values of one row. `windowEnd == Int64.min` and NaN mean "absent".
    package struct Row: Sendable {
        package var timestamp: Int64? = nil
        package var windowEnd = Int64.min
        package var tradeCount = Double.nan, volume = Double.nan, avgTradeSize = Double.nan
        package var ret = Double.nan, volatility = Double.nan
        package var score = Double.nan
        package var prediction: Int8 = 0
        package var anomalyScore = Double.nan
        /// The symbol's bytes in the line (already checked against formats.md's rule); nil when
        /// the row has none.
        package var symbol: Range<Int>? = nil
        /// formats.md §3 `reason` (e.g. `volume↑;trade_count↑`); nil when empty or absent.
        package var reason: String? = nil
    }

    /// What one line turned out to be.
    package enum Line: Sendable {
        case row(Row)
        /// An empty line: nothing to do.
        case blank
        /// A row that cannot be read, and why.
        case bad(String)
    }

    package var options: Options
    package private(set) var format: ResultFormat?
    package private(set) var columns: [Column] = []
    private var dateCache = FieldScanner.DateCache()

    package init(options: Options = Options()) { self.options = options }

    /// Forgets the header: the next line is a file's first (rotation, truncation, re-creation).
    package mutating func reset() {
        format = nil
        columns = []
    }

    /// Reads a file's first line: its format and, for a CSV, the column map. Nil when it is
    /// neither a known header nor a JSON object. An NDJSON first line is also a row: decode it.
    package mutating func detect(_ bytes: UnsafeRawBufferPointer) -> ResultFormat? {
        guard let detected = ResultFormat.detect(firstLine: bytes) else { return nil }
        format = detected
        if detected != .ourNDJSON {
            var start = bytes.startIndex
            while start < bytes.count, bytes[start] == 0xEF || bytes[start] == 0xBB || bytes[start] == 0xBF { start += 1 }
            columns = CSVHeader(line: UnsafeRawBufferPointer(rebasing: bytes[start...])).names.map(column(named:))
        }
        return detected
    }

    /// One line after the first (or an NDJSON first line) of a results file.
    @inline(__always)
    package mutating func decode(_ bytes: UnsafeRawBufferPointer) -> Line {
        if format == .ourNDJSON { return decodeJSON(bytes) }
        if bytes.isEmpty { return .blank }
        var row = Row()
        if fastCSVRow(bytes, &row) { return finish(row, nil) }
        return decodeCSV(bytes)
    }

    // MARK: - Columns

    private func column(named name: String) -> Column {
        if let column = ScoredResultColumn(rawValue: name) { return self.column(column) }
        if let key = WindowRowKey(rawValue: name) { return Self.column(key) }
        switch name {
        case "event_time": return .eventTime
        case "trades_per_sec": return .tradesPerSec
        default: return .other
        }
    }

    /// What a scored-result column (DESIGN.md §3) holds for us.
    private func column(_ column: ScoredResultColumn) -> Column {
        switch column {
        case .timestamp: return .timestamp
        case .windowEnd: return .windowEnd
        case .tradeCount: return .tradeCount
        case .volume: return .volume
        case .averageTradeSize: return .avgTradeSize
        case .return: return .ret
        case .volatility: return .volatility
        case .score: return .score
        case .prediction: return .prediction
        case .symbol: return .symbol
        case .reason: return .reason
        case .anomalyScore: return options.anomalyScore ? .anomalyScore : .other
        case .complete, .modelVersion: return .other
        }
    }

    /// Window-row keys (DESIGN.md §2) accepted in their place: `start`, `end`, `price_return`, …
    private static func column(_ key: WindowRowKey) -> Column {
        switch key {
        case .start: return .timestamp
        case .end: return .windowEnd
        case .priceReturn: return .ret
        case .priceVolatility: return .volatility
        default: return .other
        }
    }

    private func jsonColumn(_ b: UnsafeRawBufferPointer, _ k: Range<Int>) -> Column {
        if let column = ScoredResultColumn(key: b, k) { return self.column(column) }
        for (key, name) in Self.windowRowAliases where name.count == k.count {
            if name.withUnsafeBytes({ $0.elementsEqual(UnsafeRawBufferPointer(rebasing: b[k])) }) { return Self.column(key) }
        }
        return .other
    }

    /// The window-row keys `column(_: WindowRowKey)` maps, as bytes.
    private static let windowRowAliases: [(WindowRowKey, [UInt8])] =
        [WindowRowKey.start, .end, .priceReturn, .priceVolatility].map { ($0, Array($0.name.utf8)) }

    // MARK: - Checks

    /// The row's verdict: the first failure met while parsing, else the whole-row checks.
    @inline(__always)
    private func finish(_ row: Row, _ failure: String?) -> Line {
        if let failure { return .bad(failure) }
        if row.timestamp == nil { return .bad("no timestamp") }
        if options.strict, row.tradeCount.isNaN || row.volume.isNaN || row.avgTradeSize.isNaN || row.ret.isNaN || row.volatility.isNaN {
            return .bad("missing or non-numeric feature")
        }
        if let problem = Self.impossibleValue(row) { return .bad(problem) }
        return .row(row)
    }

    /// Timestamps a row may carry: years 0000–9999, what the ISO 8601 form can spell (numeric
    /// NDJSON times outside it would overflow the arithmetic on spans).
    package static let timestampRange: ClosedRange<Int64> = -62_167_219_200_000 ... 253_402_300_799_999

    /// Why a parsed row holds values no window can have, or nil. Such a row is a bad row like an
    /// unreadable one: an infinite number (`1e400` parses to infinity), a negative count, size or
    /// volatility, a return below −1 (the price fell below zero), a score outside [−1, 1]
    /// (`decision_function` = s − offset with s and the offset in [−1, 0]), a time outside years
    /// 0000–9999, a `window_end` not after the start. A NaN feature is "absent" (refused before
    /// this under `strict`).
    @inline(__always)
    private static func impossibleValue(_ row: Row) -> String? {
        // No arrays here: this runs for every row on the reader's fast path.
        if row.tradeCount.isInfinite { return "trade_count is not finite" }
        if row.tradeCount < 0 { return "trade_count is negative" }
        if row.volume.isInfinite { return "volume is not finite" }
        if row.volume < 0 { return "volume is negative" }
        if row.avgTradeSize.isInfinite { return "avg_trade_size is not finite" }
        if row.avgTradeSize < 0 { return "avg_trade_size is negative" }
        if row.volatility.isInfinite { return "volatility is not finite" }
        if row.volatility < 0 { return "volatility is negative" }
        if row.ret.isInfinite { return "return is not finite" }
        if row.ret < -1 { return "return below -1 (a price below zero)" }
        if !row.score.isNaN {
            guard row.score.isFinite else { return "score is not finite" }
            guard abs(row.score) <= 1 else { return "score outside [-1, 1]" }
        }
        if row.anomalyScore.isInfinite { return "anomaly_score is not finite" }
        guard let t = row.timestamp, timestampRange.contains(t) else { return "timestamp outside years 0000-9999" }
        if row.windowEnd != Int64.min {
            guard timestampRange.contains(row.windowEnd) else { return "window_end outside years 0000-9999" }
            guard row.windowEnd > t else { return "window_end is not after timestamp" }
        }
        return nil
    }

    /// Why the bytes cannot be a symbol, or nil: formats.md's rule for symbols (1–23 bytes of
    /// printable ASCII without `,` `"` `\` or space); an empty field means "no symbol".
    @inline(__always)
    static func symbolProblem(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard range.count <= WireLimits.maxSymbolLength else { return "symbol longer than \(WireLimits.maxSymbolLength) bytes" }
        for k in range {
            let b = bytes[k]
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                return "symbol holds a byte that is not printable ASCII (or , \" \\ space)"
            }
        }
        return nil
    }

    /// The `reason` text: nil when empty, the text when it is a well-formed reason (or, without
    /// `strict`, any text), and `failure` set when it is not.
    private func reason(_ text: String, _ failure: inout String?) -> String? {
        guard !text.isEmpty else { return nil }
        guard options.strict else { return text }
        guard text.utf8.count <= ResultReason.maxLength, ResultReason.parse(Substring(text)) != nil else {
            failure = "bad reason"
            return nil
        }
        return text
    }

    // MARK: - CSV

    /// Any CSV row (RFC 4180 quoting: `""` is a quote inside a quoted field); the first bad
    /// field stops it.
    private mutating func decodeCSV(_ bytes: UnsafeRawBufferPointer) -> Line {
        var row = Row()
        var field = 0
        var failure: String? = nil
        let n = bytes.count
        let columns = self.columns
        let wantCount = options.columns.contains(.tradeCount), wantVolume = options.columns.contains(.volume)
        let wantSize = options.columns.contains(.avgTradeSize)
        var i = 0
        while true {
            var range: Range<Int>
            var escaped = false
            if i < n, bytes[i] == 0x22 {
                var j = i + 1
                var closed = false
                while j < n {
                    if bytes[j] == 0x22 {
                        if j + 1 < n, bytes[j + 1] == 0x22 { escaped = true; j += 2; continue }
                        closed = true; j += 1; break
                    }
                    j += 1
                }
                guard closed, j == n || bytes[j] == 0x2C else { return .bad("bad quoting") }
                range = (i + 1)..<(j - 1)
                i = j
            } else {
                var j = i
                while j < n, bytes[j] != 0x2C { j += 1 }
                range = i..<j
                i = j
            }
            if field < columns.count {
                switch columns[field] {
                case .timestamp:
                    row.timestamp = TimestampParser.milliseconds(bytes, range)
                    if row.timestamp == nil { failure = "bad timestamp" }
                case .windowEnd:
                    if !range.isEmpty {
                        guard let v = TimestampParser.milliseconds(bytes, range) else { failure = "bad window_end"; break }
                        row.windowEnd = v
                    }
                case .tradeCount: row.tradeCount = wantCount ? DecimalParser.double(bytes, range) ?? .nan : 0
                case .volume: row.volume = wantVolume ? DecimalParser.double(bytes, range) ?? .nan : 0
                case .avgTradeSize: row.avgTradeSize = wantSize ? DecimalParser.double(bytes, range) ?? .nan : 0
                case .ret: row.ret = DecimalParser.double(bytes, range) ?? .nan
                case .volatility: row.volatility = DecimalParser.double(bytes, range) ?? .nan
                case .score:
                    if !range.isEmpty {
                        guard let v = DecimalParser.double(bytes, range) else { failure = "bad score"; break }
                        row.score = v
                    }
                case .anomalyScore:
                    if !range.isEmpty {
                        guard let v = DecimalParser.double(bytes, range) else { failure = "bad anomaly_score"; break }
                        row.anomalyScore = v
                    }
                case .prediction:
                    if !range.isEmpty {
                        guard let v = DecimalParser.double(bytes, range), v == 1 || v == -1 else {
                            failure = "prediction is not -1 or 1"; break
                        }
                        row.prediction = v < 0 ? -1 : 1
                    }
                case .symbol:
                    if let problem = Self.symbolProblem(bytes, range) { failure = problem; break }
                    row.symbol = range
                case .reason:
                    row.reason = reason(escaped ? Self.unquote(bytes, range) : Self.text(bytes, range), &failure)
                case .eventTime, .tradesPerSec, .other:
                    break
                }
            }
            field += 1
            if failure != nil { break }
            if i >= n { break }
            i += 1   // the comma (after a last one, the loop reads the trailing empty field)
        }
        if failure == nil && field != columns.count { failure = "\(field) fields, the header has \(columns.count)" }
        return finish(row, failure)
    }

    /// The common case in one pass over the row: every field in its usual shape (unquoted,
    /// numbers that `FieldScanner` reads, timestamps of fixed width), each number parsed while it
    /// is delimited, columns a subcommand skips only stepped over. Returns false for any other
    /// row; `decodeCSV` then reads it (and words its problem), so both paths agree on every row
    /// the fast one accepts.
    @inline(__always)
    private mutating func fastCSVRow(_ bytes: UnsafeRawBufferPointer, _ row: inout Row) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        let count = columns.count
        guard count > 0 else { return false }
        let wantCount = options.columns.contains(.tradeCount), wantVolume = options.columns.contains(.volume)
        let wantSize = options.columns.contains(.avgTradeSize)
        var position = 0
        var k = 0
        while true {
            if position < n, p[position] == UInt8(ascii: "\"") { return false }
            let column = columns[k]
            let fieldIsEmpty = position == n || p[position] == UInt8(ascii: ",")
            var next: Int
            switch column {
            case .timestamp, .windowEnd:
                if fieldIsEmpty {
                    guard column == .windowEnd else { return false }
                    next = position
                } else {
                    // Ours are 24 bytes (`2026-02-28T16:01:20.000Z`); other widths are delimited.
                    next = position + 24
                    if next > n || (next < n && p[next] != UInt8(ascii: ",")) { next = FieldScanner.fieldEnd(p, position, n) }
                    var parsed: Int64? = nil
                    if next == position + 24 { parsed = FieldScanner.isoTimestamp(p, position, &dateCache) }
                    guard let t = parsed ?? TimestampParser.milliseconds(bytes, position..<next) else { return false }
                    if column == .timestamp { row.timestamp = t } else { row.windowEnd = t }
                }
            case .tradeCount where !wantCount, .volume where !wantVolume, .avgTradeSize where !wantSize:
                if column == .tradeCount { row.tradeCount = 0 } else if column == .volume { row.volume = 0 } else { row.avgTradeSize = 0 }
                next = FieldScanner.fieldEnd(p, position, n)
            case .tradeCount, .volume, .avgTradeSize, .ret, .volatility, .score, .prediction, .anomalyScore:
                if fieldIsEmpty {
                    guard column == .score || column == .prediction || column == .anomalyScore else { return false }
                    next = position
                } else {
                    guard let (v, end) = DecimalParser.leadingDouble(p, position, n, bytes) else { return false }
                    next = end
                    switch column {
                    case .tradeCount: row.tradeCount = v
                    case .volume: row.volume = v
                    case .avgTradeSize: row.avgTradeSize = v
                    case .ret: row.ret = v
                    case .volatility: row.volatility = v
                    case .score: row.score = v
                    case .anomalyScore: row.anomalyScore = v
                    default:
                        guard v == 1 || v == -1 else { return false }
                        row.prediction = v < 0 ? -1 : 1
                    }
                }
            case .symbol:
                next = FieldScanner.fieldEnd(p, position, n)
                guard Self.symbolProblem(bytes, position..<next) == nil else { return false }
                row.symbol = position..<next
            case .reason:
                next = FieldScanner.fieldEnd(p, position, n)
                var failure: String? = nil
                row.reason = reason(Self.text(bytes, position..<next), &failure)
                if failure != nil { return false }
            case .eventTime, .tradesPerSec, .other:
                next = FieldScanner.fieldEnd(p, position, n)   // also the last: a comma after it is an extra field
            }
            k += 1
            if next < n {
                guard p[next] == UInt8(ascii: ",") else { return false }
            } else if k < count {
                return false          // fewer fields than the header: the general parser says so
            }
            if k == count {
                if next < n { return false }   // more fields than the header: the general parser says so
                break
            }
            position = next + 1
        }
        if row.timestamp == nil { return false }
        if options.strict, row.tradeCount.isNaN || row.volume.isNaN || row.avgTradeSize.isNaN || row.ret.isNaN || row.volatility.isNaN {
            return false
        }
        return true
    }

    // MARK: - NDJSON

    private func decodeJSON(_ bytes: UnsafeRawBufferPointer) -> Line {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
        var row = Row()
        var failure: String? = nil
        var symbolRange: Range<Int>? = nil
        do {
            try JSONObjectScanner.scan(bytes) { (m: JSONMember) throws(JSONScanError) in
                let column = self.jsonColumn(bytes, m.keyRange)
                let r = m.valueRange
                func number() -> Double? { m.kind == .number ? DecimalParser.double(bytes, r) : nil }
                func time() -> Int64? {
                    if m.kind == .string { return TimestampParser.milliseconds(bytes, r) }
                    if m.kind == .number, let v = DecimalParser.int64(bytes, r) { return v }
                    return nil
                }
                switch column {
                case .timestamp:
                    row.timestamp = time()
                    if row.timestamp == nil { failure = "bad timestamp" }
                case .windowEnd:
                    if m.kind != .null {
                        guard let v = time() else { failure = "bad window_end"; return }
                        row.windowEnd = v
                    }
                case .tradeCount: row.tradeCount = number() ?? .nan
                case .volume: row.volume = number() ?? .nan
                case .avgTradeSize: row.avgTradeSize = number() ?? .nan
                case .ret: row.ret = number() ?? .nan
                case .volatility: row.volatility = number() ?? .nan
                case .score, .anomalyScore:
                    if m.kind != .null {
                        guard let v = number() else { failure = column == .score ? "bad score" : "bad anomaly_score"; return }
                        if column == .score { row.score = v } else { row.anomalyScore = v }
                    }
                case .prediction:
                    if m.kind != .null {
                        guard let v = number(), v == 1 || v == -1 else { failure = "prediction is not -1 or 1"; return }
                        row.prediction = v < 0 ? -1 : 1
                    }
                case .symbol:
                    if m.kind == .string { symbolRange = r }
                case .reason:
                    if m.kind == .string {
                        var bad: String? = nil
                        if !m.valueHasEscapes {
                            row.reason = self.reason(Self.text(bytes, r), &bad)
                        } else if self.options.strict {
                            bad = "bad reason"
                        } else {
                            row.reason = self.reason(Self.unescape(bytes, r), &bad)
                        }
                        if let bad { failure = bad }
                    } else if m.kind != .null {
                        failure = "bad reason"
                    }
                default: break
                }
            }
        } catch {
            return .bad(error.description)
        }
        if let symbolRange, failure == nil {
            if let problem = Self.symbolProblem(bytes, symbolRange) { failure = problem } else { row.symbol = symbolRange }
        }
        return finish(row, failure)
    }

    // MARK: - Text

    static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A quoted CSV field's text with each `""` read as one quote.
    static func unquote(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        var value: [UInt8] = []
        var j = range.lowerBound
        while j < range.upperBound {
            value.append(bytes[j])
            j += bytes[j] == 0x22 ? 2 : 1
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// A JSON string's text with its escapes resolved (`\"`, `\\`, `\n`, `\u2191`, surrogate pairs).
    static func unescape(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        var out = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() { if !raw.isEmpty { out.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw = [] } }
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= range.upperBound else { return nil }
            return UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + 4)]), as: UTF8.self), radix: 16)
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            guard b == 0x5C, i + 1 < range.upperBound else { raw.append(b); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "u"):
                flush()
                guard var v = hex(i) else { continue }
                i += 4
                if (0xD800..<0xDC00).contains(v), i + 6 <= range.upperBound, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u"),
                   let low = hex(i + 2), (0xDC00..<0xE000).contains(low) {
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default: raw.append(e)   // \" \\ \/
            }
        }
        flush()
        return String(out)
    }
}
