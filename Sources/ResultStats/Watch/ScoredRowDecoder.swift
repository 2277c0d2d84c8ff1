import BNCCore
import BNCWire

/// Turns the lines of one result file, one at a time, into `WatchRow`s: our CSV, our NDJSON and
/// the original project's CSV, told apart by the first line (`ResultFormat.detect`), with the
/// column names of `ScoredResultColumn` and the window-row aliases `ResultReader` accepts.
///
/// `ResultReader` builds whole columnar series for the analyses; a follower needs rows as they
/// arrive and a few more fields (`anomaly_score`, `reason`), so this is its streaming twin over
/// the same shared pieces. It is the one place `watch` learns a column: the `reason` column that
/// the model branch adds is read here by name (absent today, so `reason` stays nil).
package struct ScoredRowDecoder: Sendable {
    /// What one line turned out to be.
    package enum Line: Sendable, Equatable {
        case row(WatchRow)
        /// The header (or an empty line): nothing to do.
        case none
        /// A row that cannot be read, and why (skipped and counted by the caller).
        case bad(String)
    }

    private enum Field: Sendable {
        case timestamp, windowEnd, tradeCount, volume, avgTradeSize, ret, volatility
        case score, prediction, symbol, anomalyScore, reason, other
    }

    package private(set) var format: ResultFormat?
    private var columns: [Field] = []

    package init() {}

    /// Forgets the header: the next line is a file's first (rotation, truncation, re-creation).
    package mutating func reset() {
        format = nil
        columns = []
    }

    package mutating func decode(_ bytes: UnsafeRawBufferPointer) -> Line {
        var bytes = bytes
        if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .none }
        guard let format else {
            guard let detected = ResultFormat.detect(firstLine: bytes) else {
                return .bad("not a result file (the first line is neither a results header nor a JSON object)")
            }
            switch detected {
            case .tradeRateCSV:
                return .bad("a trade-rate file (event_time,trades_per_sec), not scored windows")
            case .ourNDJSON:
                self.format = detected
                return decodeJSON(bytes)
            case .ourCSV, .originalCSV:
                self.format = detected
                var start = 0
                while start < bytes.count, bytes[start] == 0xEF || bytes[start] == 0xBB || bytes[start] == 0xBF { start += 1 }
                columns = CSVHeader(line: UnsafeRawBufferPointer(rebasing: bytes[start...])).names.map(Self.field(named:))
                return .none
            }
        }
        return format == .ourNDJSON ? decodeJSON(bytes) : decodeCSV(bytes, basis: format == .originalCSV ? .naiveLocal : .utc)
    }

    /// Column names → what they hold: the scored-result columns (`ScoredResultColumn`), the
    /// window-row aliases bnc-stats accepts, and `reason` (the model's explanation, docs/formats.md
    /// §3 once it lands). A table, not a switch, so a column added to the format later is simply
    /// ignored here until it is given a meaning.
    private static let fields: [String: Field] = [
        ScoredResultColumn.timestamp.name: .timestamp, ScoredResultColumn.windowEnd.name: .windowEnd,
        ScoredResultColumn.tradeCount.name: .tradeCount, ScoredResultColumn.volume.name: .volume,
        ScoredResultColumn.averageTradeSize.name: .avgTradeSize, ScoredResultColumn.return.name: .ret,
        ScoredResultColumn.volatility.name: .volatility, ScoredResultColumn.score.name: .score,
        ScoredResultColumn.prediction.name: .prediction, ScoredResultColumn.symbol.name: .symbol,
        ScoredResultColumn.anomalyScore.name: .anomalyScore,
        WindowRowKey.start.rawValue: .timestamp, WindowRowKey.end.rawValue: .windowEnd,
        WindowRowKey.priceReturn.rawValue: .ret, WindowRowKey.priceVolatility.rawValue: .volatility,
        "reason": .reason,
    ]

    private static func field(named name: String) -> Field { fields[name] ?? .other }

    /// A row's fields as they are parsed; `failure` set by the first bad one.
    private struct Draft {
        var row = WatchRow(symbol: "", start: 0)
        var hasTimestamp = false
        var failure: String?
    }

    private func set(_ field: Field, text: String?, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, isNumber: Bool,
                     into d: inout Draft) {
        func number() -> Double? {
            guard !range.isEmpty else { return nil }
            guard let v = DecimalParser.double(bytes, range), v.isFinite else { d.failure = "bad number in \(field)"; return nil }
            return v
        }
        switch field {
        case .timestamp, .windowEnd:
            var ms: Int64? = TimestampParser.milliseconds(bytes, range)
            if ms == nil, isNumber, let v = DecimalParser.int64(bytes, range), v >= 0 { ms = v }
            guard let ms else {
                if field == .windowEnd && range.isEmpty { return }
                d.failure = field == .timestamp ? "bad timestamp" : "bad window_end"
                return
            }
            if field == .timestamp { d.row.start = ms; d.hasTimestamp = true } else { d.row.end = ms }
        case .tradeCount: d.row.tradeCount = number() ?? .nan
        case .volume: d.row.volume = number() ?? .nan
        case .avgTradeSize: d.row.avgTradeSize = number() ?? .nan
        case .ret: d.row.priceReturn = number() ?? .nan
        case .volatility: d.row.volatility = number() ?? .nan
        case .score: d.row.score = number()
        case .anomalyScore: d.row.anomalyScore = number()
        case .prediction:
            guard let v = number() else { return }
            guard v == 1 || v == -1 else { d.failure = "prediction is not -1 or 1"; return }
            d.row.prediction = v < 0 ? -1 : 1
        case .symbol:
            let s = text ?? ""
            guard (1...23).contains(s.utf8.count),
                  s.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x2C && $0 != 0x22 && $0 != 0x5C }) else {
                d.failure = "bad symbol"; return
            }
            d.row.symbol = s.uppercased()
        case .reason:
            if let text, !text.isEmpty { d.row.reason = text }
        case .other:
            break
        }
    }

    private func finish(_ d: Draft) -> Line {
        if let failure = d.failure { return .bad(failure) }
        guard d.hasTimestamp else { return .bad("no timestamp") }
        if let end = d.row.end, end <= d.row.start { return .bad("window_end is not after timestamp") }
        return .row(d.row)
    }

    private func decodeCSV(_ bytes: UnsafeRawBufferPointer, basis: TimeBasis) -> Line {
        var d = Draft()
        d.row.timeBasis = basis
        var field = 0
        var i = 0
        let n = bytes.count
        while true {
            // One RFC 4180 field: quoted ("" is a quote) or plain up to the next comma.
            var text: String? = nil
            var range: Range<Int>
            if i < n, bytes[i] == 0x22 {
                var value: [UInt8] = []
                var j = i + 1
                var closed = false
                while j < n {
                    if bytes[j] == 0x22 {
                        if j + 1 < n, bytes[j + 1] == 0x22 { value.append(0x22); j += 2; continue }
                        closed = true; j += 1; break
                    }
                    value.append(bytes[j]); j += 1
                }
                guard closed, j == n || bytes[j] == 0x2C else { return .bad("bad quoting") }
                range = (i + 1)..<(j - 1)
                text = String(decoding: value, as: UTF8.self)
                i = j
            } else {
                var j = i
                while j < n, bytes[j] != 0x2C { j += 1 }
                range = i..<j
                i = j
            }
            if field < columns.count {
                let kind = columns[field]
                if text == nil, kind == .symbol || kind == .reason {
                    text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                }
                set(kind, text: text, bytes, range, isNumber: false, into: &d)
                if d.failure != nil { return .bad(d.failure!) }
            }
            field += 1
            if i >= n { break }
            i += 1   // the comma
            if i == n { field += 1; break }   // a trailing empty field
        }
        if field != columns.count { return .bad("\(field) fields, the header has \(columns.count)") }
        return finish(d)
    }

    private func decodeJSON(_ bytes: UnsafeRawBufferPointer) -> Line {
        var d = Draft()
        d.row.timeBasis = .utc
        do {
            try JSONObjectScanner.scan(bytes) { (m: JSONMember) throws(JSONScanError) in
                let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[m.keyRange]), as: UTF8.self)
                let field = Self.field(named: key)
                guard field != .other, d.failure == nil else { return }
                switch m.kind {
                case .null: return
                case .string:
                    let text = m.valueHasEscapes ? Self.unescape(bytes, m.valueRange)
                        : String(decoding: UnsafeRawBufferPointer(rebasing: bytes[m.valueRange]), as: UTF8.self)
                    set(field, text: text, bytes, m.valueRange, isNumber: false, into: &d)
                case .number:
                    set(field, text: nil, bytes, m.valueRange, isNumber: true, into: &d)
                default:
                    d.failure = "\(key) has the wrong type"
                }
            }
        } catch {
            return .bad(error.description)
        }
        return finish(d)
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
