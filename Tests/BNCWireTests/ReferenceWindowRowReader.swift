// The window-row reader as it was before its fast path (main at 5fee510), kept unchanged but for
// its name as the reference WindowRowFastPathTests compares WindowRowReader with: every input
// must give the same Fields, or the same error, from both.
import BNCCore
import BNCWire

/// The one reader of window rows (DESIGN.md §2), for bnc-score: straight from line bytes with
/// `JSONObjectScanner` and `DecimalParser`, any key order, unknown keys ignored, into a reusable
/// `Fields` value, so reading a row allocates nothing. Key names come from `WindowRowKey`; a
/// symbol over `WireLimits.maxSymbolLength` bytes is refused, as the trade-line reader refuses it,
/// and so is every number outside `WindowRowLimits` (a negative count, `1e308`, `1e400`).
struct ReferenceWindowRowReader {
    let featureNames: [String]
    /// Every key the reader looks for, one after another: the four fixed ones (`end`, `start`,
    /// `symbol`, `complete`), the five result columns, then the features; key `k` is
    /// `keyBytes[keyStarts[k]..<keyStarts[k + 1]]`. One flat table, lent to the scan as a pointer,
    /// so matching a row's keys retains no array per key.
    private let keyBytes: [UInt8]
    private let keyStarts: [Int]
    private let featureRules: [WindowRowLimits.Rule]
    private let columnRules: [WindowRowLimits.Rule]
    /// Which features the current row has supplied.
    private var seen: [Bool]

    private static let fixedKeys = [WindowRowKey.end, .start, .symbol, .complete]
    private static let firstColumn = fixedKeys.count
    private static let firstFeature = firstColumn + WindowRowKey.features.count

    init(featureNames: [String]) {
        self.featureNames = featureNames
        let keys = Self.fixedKeys.map(\.name) + WindowRowKey.features.map(\.name) + featureNames
        keyBytes = keys.flatMap { Array($0.utf8) }
        keyStarts = keys.reduce(into: [0]) { $0.append($0.last! + $1.utf8.count) }
        featureRules = featureNames.map(WindowRowLimits.rule(for:))
        columnRules = WindowRowKey.features.map { WindowRowLimits.rule(for: $0.name) }
        seen = [Bool](repeating: false, count: featureNames.count)
    }

    /// Key `k`'s name (for messages).
    private func keyName(_ k: Int) -> String {
        String(decoding: keyBytes[keyStarts[k]..<keyStarts[k + 1]], as: UTF8.self)
    }

    /// Fills `row` from `line`. On error `row` holds garbage.
    mutating func parse(_ line: UnsafeRawBufferPointer, into row: inout WindowRowReader.Fields) throws(WindowRowError) {
        var haveSymbol = false, haveStart = false, haveEnd = false, haveComplete = false
        var typeError: String? = nil
        var rangeError: (key: Int, value: Range<Int>, rule: WindowRowLimits.Rule)? = nil
        row.columns = (.nan, .nan, .nan, .nan, .nan)
        row.featuresUsable = true
        for i in seen.indices { seen[i] = false }
        let featureCount = seen.count
        let firstColumn = Self.firstColumn, firstFeature = Self.firstFeature
        let scanError: JSONScanError? = keyBytes.withUnsafeBufferPointer { keyBytes -> JSONScanError? in
        keyStarts.withUnsafeBufferPointer { keyStarts -> JSONScanError? in
        featureRules.withUnsafeBufferPointer { featureRules -> JSONScanError? in
        columnRules.withUnsafeBufferPointer { columnRules -> JSONScanError? in
        seen.withUnsafeMutableBufferPointer { seen -> JSONScanError? in
            @inline(__always) func matches(_ key: Range<Int>, _ k: Int) -> Bool {
                let start = keyStarts[k], count = keyStarts[k + 1] - start
                guard key.count == count else { return false }
                var i = 0
                while i < count {
                    if line[key.lowerBound + i] != keyBytes[start + i] { return false }
                    i += 1
                }
                return true
            }
            do throws(JSONScanError) {
                try JSONObjectScanner.scan(line) { (member: JSONMember) throws(JSONScanError) in
                    let key = member.keyRange
                    if typeError != nil || rangeError != nil { return }
                    switch key.count {
                    case 3 where matches(key, 0):
                        guard member.kind == .number, let v = DecimalParser.int64(line, member.valueRange) else { typeError = WindowRowKey.end.name; return }
                        row.end = v; haveEnd = true
                        return
                    case 5 where matches(key, 1):
                        guard member.kind == .number, let v = DecimalParser.int64(line, member.valueRange) else { typeError = WindowRowKey.start.name; return }
                        row.start = v; haveStart = true
                        return
                    case 6 where matches(key, 2):
                        guard member.kind == .string, !member.valueHasEscapes, !member.valueRange.isEmpty,
                              Self.plainSymbol(line, member.valueRange)
                        else { typeError = WindowRowKey.symbol.name; return }
                        row.symbolRange = member.valueRange; haveSymbol = true
                        return
                    case 8 where matches(key, 3):
                        switch member.kind {
                        case .true: row.complete = true
                        case .false: row.complete = false
                        default: typeError = WindowRowKey.complete.name; return
                        }
                        haveComplete = true
                        return
                    default:
                        break
                    }
                    var value: Double? = nil
                    var isNull = false
                    var parsed = false
                    func number() -> Double? {
                        if !parsed {
                            parsed = true
                            if member.kind == .number { value = DecimalParser.double(line, member.valueRange) }
                            isNull = member.kind == .null
                        }
                        return value
                    }
                    for c in 0..<5 where matches(key, firstColumn + c) {
                        let v = number() ?? .nan
                        if member.kind == .number, !columnRules[c].allows(v) {
                            rangeError = (firstColumn + c, member.valueRange, columnRules[c])
                            return
                        }
                        switch c {
                        case 0: row.columns.0 = v
                        case 1: row.columns.1 = v
                        case 2: row.columns.2 = v
                        case 3: row.columns.3 = v
                        default: row.columns.4 = v
                        }
                        break
                    }
                    for f in 0..<featureCount where matches(key, firstFeature + f) {
                        if member.kind == .number, !featureRules[f].allows(number() ?? .nan) {
                            rangeError = (firstFeature + f, member.valueRange, featureRules[f])
                            return
                        }
                        if let v = number(), v.isFinite {
                            row.features[f] = v
                        } else if isNull {
                            row.featuresUsable = false
                        } else {
                            typeError = featureNames[f]
                            return
                        }
                        seen[f] = true
                    }
                }
                return nil
            } catch {
                return error
            }
        }}}}}
        if let scanError { throw .json(scanError) }
        if let typeError { throw .wrongType(typeError) }
        if let (key, range, rule) = rangeError {
            let shown = range.prefix(40)
            var value = String(decoding: UnsafeRawBufferPointer(rebasing: line[shown]), as: UTF8.self)
            if shown.count < range.count { value += "…" }
            throw .outOfRange(key: keyName(key), value: value, rule: rule.description)
        }
        if !haveSymbol { throw .missingKey(WindowRowKey.symbol.name) }
        if !haveStart { throw .missingKey(WindowRowKey.start.name) }
        if !haveEnd { throw .missingKey(WindowRowKey.end.name) }
        if !haveComplete { throw .missingKey(WindowRowKey.complete.name) }
        guard row.start >= 0, row.start < row.end, row.end <= WindowRowLimits.latestTime else {
            throw .badTimes(start: row.start, end: row.end)
        }
        for f in seen.indices where !seen[f] { throw .missingKey(featureNames[f]) }
    }

    /// Symbols go into CSV and file names unquoted: printable ASCII without `,` `"` `\` or space,
    /// and at most `WireLimits.maxSymbolLength` bytes like every symbol of the wire formats.
    static func plainSymbol(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count <= WireLimits.maxSymbolLength else { return false }
        for i in range {
            let b = line[i]
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                return false
            }
        }
        return true
    }
}

