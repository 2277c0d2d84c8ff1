import BNCCore

/// Why a line is not a usable window row; the description is what diagnostics print.
public enum WindowRowError: Error, Sendable, Equatable, CustomStringConvertible {
    case json(JSONScanError)
    case missingKey(String)
    case wrongType(String)

    public var description: String {
        switch self {
        case .json(let e): return e.description
        case .missingKey(let k): return "missing key \"\(k)\""
        case .wrongType(let k): return "key \"\(k)\" has the wrong type"
        }
    }
}

/// Parses window rows straight from line bytes with `JSONObjectScanner` and `DecimalParser`:
/// any key order, unknown keys ignored, no allocation per row.
public struct WindowRowParser {
    public let featureNames: [String]
    private let featureKeys: [[UInt8]]
    private let columnKeys: [[UInt8]]
    /// Which features the current row has supplied.
    private var seen: [Bool]

    public init(featureNames: [String]) {
        self.featureNames = featureNames
        featureKeys = featureNames.map { Array($0.utf8) }
        columnKeys = WindowRow.columnKeys.map { Array($0.utf8) }
        seen = [Bool](repeating: false, count: featureNames.count)
    }

    /// Fills `row` from `line`. On error `row` holds garbage.
    public mutating func parse(_ line: UnsafeRawBufferPointer, into row: inout WindowRow) throws(WindowRowError) {
        var haveSymbol = false, haveStart = false, haveEnd = false, haveComplete = false
        var typeError: String? = nil
        row.columns = (.nan, .nan, .nan, .nan, .nan)
        row.featuresUsable = true
        for i in seen.indices { seen[i] = false }
        let featureKeys = self.featureKeys, columnKeys = self.columnKeys
        do {
            try JSONObjectScanner.scan(line) { (member: JSONMember) throws(JSONScanError) in
                let key = member.keyRange
                if typeError != nil { return }
                switch key.count {
                case 3 where JSONObjectScanner.bytes(line, key, equal: "end"):
                    guard member.kind == .number, let v = DecimalParser.int64(line, member.valueRange) else { typeError = "end"; return }
                    row.end = v; haveEnd = true
                    return
                case 5 where JSONObjectScanner.bytes(line, key, equal: "start"):
                    guard member.kind == .number, let v = DecimalParser.int64(line, member.valueRange) else { typeError = "start"; return }
                    row.start = v; haveStart = true
                    return
                case 6 where JSONObjectScanner.bytes(line, key, equal: "symbol"):
                    guard member.kind == .string, !member.valueHasEscapes, !member.valueRange.isEmpty,
                          Self.plainSymbol(line, member.valueRange)
                    else { typeError = "symbol"; return }
                    row.symbolRange = member.valueRange; haveSymbol = true
                    return
                case 8 where JSONObjectScanner.bytes(line, key, equal: "complete"):
                    switch member.kind {
                    case .true: row.complete = true
                    case .false: row.complete = false
                    default: typeError = "complete"; return
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
                for c in 0..<columnKeys.count where Self.equal(line, key, columnKeys[c]) {
                    let v = number() ?? .nan
                    switch c {
                    case 0: row.columns.0 = v
                    case 1: row.columns.1 = v
                    case 2: row.columns.2 = v
                    case 3: row.columns.3 = v
                    default: row.columns.4 = v
                    }
                    break
                }
                for f in 0..<featureKeys.count where Self.equal(line, key, featureKeys[f]) {
                    if let v = number(), v.isFinite {
                        row.features[f] = v
                    } else if isNull {
                        row.featuresUsable = false
                    } else {
                        typeError = String(decoding: featureKeys[f], as: UTF8.self)
                        return
                    }
                    seen[f] = true
                }
            }
        } catch {
            throw .json(error)
        }
        if let typeError { throw .wrongType(typeError) }
        if !haveSymbol { throw .missingKey("symbol") }
        if !haveStart { throw .missingKey("start") }
        if !haveEnd { throw .missingKey("end") }
        if !haveComplete { throw .missingKey("complete") }
        for f in seen.indices where !seen[f] { throw .missingKey(featureNames[f]) }
    }

    @inline(__always)
    static func equal(_ line: UnsafeRawBufferPointer, _ range: Range<Int>, _ key: [UInt8]) -> Bool {
        guard range.count == key.count else { return false }
        var i = 0
        while i < key.count {
            if line[range.lowerBound + i] != key[i] { return false }
            i += 1
        }
        return true
    }

    /// Symbols go into CSV and file names unquoted: printable ASCII without `,` `"` `\` or space.
    static func plainSymbol(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count <= 64 else { return false }
        for i in range {
            let b = line[i]
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                return false
            }
        }
        return true
    }
}
