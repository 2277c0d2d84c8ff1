/// What kind of JSON value a member holds.
public enum JSONValueKind: Sendable, Equatable {
    case string, number, `true`, `false`, null, object, array
}

/// One member of a scanned object. Ranges are byte offsets into the scanned buffer; for a string
/// the range excludes the quotes and escapes are left as written (`valueHasEscapes` says so).
public struct JSONMember: Sendable {
    public var keyRange: Range<Int>
    public var kind: JSONValueKind
    public var valueRange: Range<Int>
    public var valueHasEscapes: Bool
}

/// Why a line is not a JSON object; the description is what diagnostics print.
public enum JSONScanError: ToolError, Sendable, Equatable {
    case empty
    case notAnObject
    case unexpectedEnd
    case unexpectedByte(UInt8, at: Int)
    case invalidNumber(at: Int)
    case controlCharacterInString(at: Int)
    case invalidEscape(at: Int)
    case nestingTooDeep
    case trailingBytes(at: Int)

    public var description: String {
        switch self {
        case .empty: return "empty line"
        case .notAnObject: return "not a JSON object"
        case .unexpectedEnd: return "truncated JSON"
        case .unexpectedByte(let b, let at): return "unexpected byte 0x\(String(b, radix: 16)) at column \(at + 1)"
        case .invalidNumber(let at): return "invalid number at column \(at + 1)"
        case .controlCharacterInString(let at): return "control character in string at column \(at + 1)"
        case .invalidEscape(let at): return "invalid escape at column \(at + 1)"
        case .nestingTooDeep: return "JSON nested too deeply"
        case .trailingBytes(let at): return "trailing bytes after the object at column \(at + 1)"
        }
    }

    /// A line that is not JSON is bad input data.
    package var exitStatus: ExitStatus { .dataError }
}

/// A validating, allocation-free scanner for one JSON object per buffer (one NDJSON line).
/// It reports the top-level members in order and validates nested values without building them,
/// which is what every reader here needs: pick a handful of keys, ignore the rest, reject junk.
public enum JSONObjectScanner {
    public static let maxDepth = 64

    /// Scans `bytes`, which must hold exactly one object (whitespace around it is allowed),
    /// calling `body` for each top-level member.
    public static func scan(
        _ bytes: UnsafeRawBufferPointer, _ body: (JSONMember) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        var cursor = Cursor(bytes: bytes)
        cursor.skipWhitespace()
        guard let first = cursor.peek() else { throw .empty }
        guard first == UInt8(ascii: "{") else { throw .notAnObject }
        try cursor.scanObjectMembers(depth: 1, body)
        cursor.skipWhitespace()
        if cursor.index < bytes.count { throw .trailingBytes(at: cursor.index) }
    }

    /// Scans the object that occupies `range` of `bytes` (e.g. a nested member's `valueRange`),
    /// reporting ranges relative to `bytes`.
    public static func scan(
        _ bytes: UnsafeRawBufferPointer, range: Range<Int>,
        _ body: (JSONMember) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        var cursor = Cursor(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "{") else { throw .notAnObject }
        try cursor.scanObjectMembers(depth: 1, body)
        cursor.skipWhitespace()
        if cursor.index < range.upperBound { throw .trailingBytes(at: cursor.index) }
    }

    /// True when the bytes at `range` equal the ASCII `literal` (keys are compared this way).
    @inlinable
    public static func bytes(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, equal literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let lit = literal.utf8Start
        var i = 0
        while i < range.count {
            if bytes[range.lowerBound + i] != lit[i] { return false }
            i += 1
        }
        return true
    }

    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index: Int
        let end: Int

        init(bytes: UnsafeRawBufferPointer, index: Int = 0, end: Int? = nil) {
            self.bytes = bytes
            self.index = index
            self.end = end ?? bytes.count
        }

        @inline(__always) func peek() -> UInt8? { index < end ? bytes[index] : nil }

        @inline(__always) mutating func skipWhitespace() {
            while index < end {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        @inline(__always) mutating func expect(_ byte: UInt8) throws(JSONScanError) {
            guard index < end else { throw .unexpectedEnd }
            guard bytes[index] == byte else { throw .unexpectedByte(bytes[index], at: index) }
            index += 1
        }

        /// At `{`; consumes through the matching `}`.
        mutating func scanObjectMembers(
            depth: Int, _ body: (JSONMember) throws(JSONScanError) -> Void
        ) throws(JSONScanError) {
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipWhitespace()
                guard index < end else { throw .unexpectedEnd }
                guard bytes[index] == UInt8(ascii: "\"") else { throw .unexpectedByte(bytes[index], at: index) }
                let (keyRange, _) = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let (kind, valueRange, escapes) = try scanValue(depth: depth)
                try body(JSONMember(keyRange: keyRange, kind: kind, valueRange: valueRange, valueHasEscapes: escapes))
                skipWhitespace()
                guard index < end else { throw .unexpectedEnd }
                let b = bytes[index]
                index += 1
                if b == UInt8(ascii: ",") { continue }
                if b == UInt8(ascii: "}") { return }
                throw .unexpectedByte(b, at: index - 1)
            }
        }

        /// At `"`; returns the content range (without quotes) and whether it holds escapes.
        mutating func scanString() throws(JSONScanError) -> (Range<Int>, Bool) {
            index += 1
            let start = index
            var escapes = false
            while index < end {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    index += 1
                    return (start..<(index - 1), escapes)
                }
                if b == UInt8(ascii: "\\") {
                    escapes = true
                    guard index + 1 < end else { throw .unexpectedEnd }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                         UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 5 < end else { throw .unexpectedEnd }
                        for k in 2...5 where !bytes[index + k].isHexDigit { throw .invalidEscape(at: index) }
                        index += 6
                    default:
                        throw .invalidEscape(at: index)
                    }
                    continue
                }
                if b < 0x20 { throw .controlCharacterInString(at: index) }
                index += 1
            }
            throw .unexpectedEnd
        }

        mutating func scanValue(depth: Int) throws(JSONScanError) -> (JSONValueKind, Range<Int>, Bool) {
            guard index < end else { throw .unexpectedEnd }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let (range, escapes) = try scanString()
                return (.string, range, escapes)
            case UInt8(ascii: "{"):
                guard depth < JSONObjectScanner.maxDepth else { throw .nestingTooDeep }
                try scanObjectMembers(depth: depth + 1) { (_: JSONMember) throws(JSONScanError) in }
                return (.object, start..<index, false)
            case UInt8(ascii: "["):
                guard depth < JSONObjectScanner.maxDepth else { throw .nestingTooDeep }
                try scanArray(depth: depth + 1)
                return (.array, start..<index, false)
            case UInt8(ascii: "t"):
                try literal("true")
                return (.true, start..<index, false)
            case UInt8(ascii: "f"):
                try literal("false")
                return (.false, start..<index, false)
            case UInt8(ascii: "n"):
                try literal("null")
                return (.null, start..<index, false)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try scanNumber()
                return (.number, start..<index, false)
            default:
                throw .unexpectedByte(bytes[index], at: index)
            }
        }

        mutating func scanArray(depth: Int) throws(JSONScanError) {
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                _ = try scanValue(depth: depth)
                skipWhitespace()
                guard index < end else { throw .unexpectedEnd }
                let b = bytes[index]
                index += 1
                if b == UInt8(ascii: ",") { continue }
                if b == UInt8(ascii: "]") { return }
                throw .unexpectedByte(b, at: index - 1)
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONScanError) {
            let n = word.utf8CodeUnitCount
            for k in 0..<n {
                guard index + k < end else { throw .unexpectedEnd }
                if bytes[index + k] != word.utf8Start[k] { throw .unexpectedByte(bytes[index + k], at: index + k) }
            }
            index += n
        }

        /// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func scanNumber() throws(JSONScanError) {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end else { throw .unexpectedEnd }
            guard bytes[index].isDigit else { throw .invalidNumber(at: start) }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < end, bytes[index].isDigit { index += 1 }
            }
            if index < end, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < end, bytes[index].isDigit else { throw .invalidNumber(at: start) }
                while index < end, bytes[index].isDigit { index += 1 }
            }
            if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < end, bytes[index].isDigit else { throw .invalidNumber(at: start) }
                while index < end, bytes[index].isDigit { index += 1 }
            }
        }
    }
}

extension UInt8 {
    @inline(__always) var isDigit: Bool { self &- UInt8(ascii: "0") < 10 }
    @inline(__always) var isHexDigit: Bool {
        isDigit || (self | 0x20) &- UInt8(ascii: "a") < 6
    }
}
