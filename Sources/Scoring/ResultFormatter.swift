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

    package init(format: ResultFormat) {
        self.format = format
        bytes.reserveCapacity(1024)
    }

    /// The header for a new file (CSV only; NDJSON has none).
    package var header: String? { format == .csv ? Self.csvHeader : nil }

    package mutating func encode(row: WindowRowReader.Fields, symbol: UnsafeRawBufferPointer, modelVersion: Int, score: AnomalyScore?) {
        bytes.removeAll(keepingCapacity: true)
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
        separator(); bytes.append(contentsOf: row.complete ? Self.trueBytes : Self.falseBytes)
        separator(); integer(Int64(modelVersion))
        separator()
        if let score { number(score.anomalyScore, json: json) } else if json { null() }
        if json { bytes.append(UInt8(ascii: "}")) }
        bytes.append(UInt8(ascii: "\n"))
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    private mutating func null() { bytes.append(contentsOf: Self.nullBytes) }

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
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
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

    /// `2026-02-28T16:01:20.000Z` from epoch milliseconds (via `UTCTime`'s civil-date arithmetic).
    private mutating func time(_ ms: Int64, quoted: Bool) {
        let t = UTCTime(epochMilliseconds: ms)
        if quoted { bytes.append(UInt8(ascii: "\"")) }
        digits(t.year, width: 4); bytes.append(UInt8(ascii: "-"))
        digits(t.month, width: 2); bytes.append(UInt8(ascii: "-"))
        digits(t.day, width: 2); bytes.append(UInt8(ascii: "T"))
        digits(t.hour, width: 2); bytes.append(UInt8(ascii: ":"))
        digits(t.minute, width: 2); bytes.append(UInt8(ascii: ":"))
        digits(t.second, width: 2); bytes.append(UInt8(ascii: "."))
        digits(t.millisecond, width: 3); bytes.append(UInt8(ascii: "Z"))
        if quoted { bytes.append(UInt8(ascii: "\"")) }
    }
}
