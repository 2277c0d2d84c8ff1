import BNCCore

/// Reads one trade line (DESIGN.md §1) straight from its bytes.
///
/// A single pass validates the whole line as JSON (so truncated or corrupt lines are rejected, not
/// half-read) while remembering where the values of the keys we need sit: `e E s t p q T m`, and
/// `a f l` for aggTrades. Any key order and whitespace is accepted, unknown keys are validated and
/// skipped (old payloads carry `b`/`a` order ids; for `e:"trade"` the key `a` is such an order id,
/// not an aggregate id), and the combined-stream envelope `{"stream":…,"data":{…}}` is unwrapped
/// (one level). Decimal strings become correctly rounded doubles via `DecimalParser`; timestamps
/// at or above 10^14 are microseconds and are converted to milliseconds.
///
/// Three tiers, fastest first, each giving up to the next on anything unexpected, so all accept
/// exactly the same lines with the same result: `TradeTemplateScanner` (Binance's exact layout),
/// `CompactLineScanner` (any key order, no whitespace or escapes), and the general `Scanner`
/// below, which also produces the precise error. No allocation on the success path.
public enum TradeLineParser {
    /// Parses `line` (without its `\n`) into a `Trade`, or throws why it is not one.
    public static func parse(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade {
        guard let base = line.baseAddress, line.count > 0 else { throw .syntax(.empty) }
        // Offsets are kept in 32 bits; no trade line comes near (the reader caps lines at 1 MiB).
        guard line.count < Int(Int32.max) else { throw .oversized(length: line.count) }
        if let trade = TradeTemplateScanner.parse(line) { return trade }
        var compact = Fields()
        if CompactLineScanner.scan(base.assumingMemoryBound(to: UInt8.self), line.count, into: &compact) {
            return try compact.trade(line)
        }
        return try parseGeneral(line)
    }

    /// A trade line in Binance's exact layout (the template tier of `parse`) at the start of the
    /// `available` bytes at `start`, ended by a `\n` inside them: the trade and the line's length
    /// without the `\n`, exactly as `parse` would read that line. Nil for anything else (a CRLF
    /// line, another layout, a bad line, a line not complete within `available`): then split the
    /// line and call `parse`. Lets a reader parse and find the end of a line in one pass.
    public static func parseLeadingLine(_ start: UnsafeRawPointer, available: Int) -> (trade: Trade, length: Int)? {
        guard available > 0, available < Int(Int32.max) else { return nil }
        guard let (trade, length) = TradeTemplateScanner.parseLeadingLine(start, available) else { return nil }
        return (trade, length)
    }

    /// The general path: any whitespace, escapes and nesting, with a precise error.
    static func parseGeneral(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade {
        guard let base = line.baseAddress, line.count > 0 else { throw .syntax(.empty) }
        var scanner = Scanner(base: base.assumingMemoryBound(to: UInt8.self), end: line.count)
        var outer = Fields()
        var inner = Fields()
        var envelope = false
        do throws(JSONScanError) {
            scanner.skipWhitespace()
            guard scanner.index < scanner.end else { throw JSONScanError.empty }
            guard scanner.byte(scanner.index) == UInt8(ascii: "{") else { throw JSONScanError.notAnObject }
            try scanner.scanObject(into: &outer, inner: &inner, envelope: &envelope, depth: 1)
            scanner.skipWhitespace()
            if scanner.index < scanner.end { throw JSONScanError.trailingBytes(at: scanner.index) }
        } catch {
            throw .syntax(error)
        }
        if envelope { return try inner.trade(line) }
        return try outer.trade(line)
    }

    /// The same, for text (tests, command-line values).
    public static func parse(_ text: String) throws(TradeLineError) -> Trade {
        var text = text
        let result: Result<Trade, TradeLineError> = text.withUTF8 { bytes in
            do throws(TradeLineError) { return .success(try parse(UnsafeRawBufferPointer(bytes))) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Where one remembered value sits in the line (24 bytes, so clearing and copying the eleven
/// slots of `Fields` stays cheap on the hot path).
struct ValueSlot {
    /// For a number scanned as a plain integer of at most 18 digits: its value.
    var integer: Int64 = 0
    private var lower32: Int32 = 0
    private var upper32: Int32 = 0
    /// nil while the key has not been seen.
    var kind: JSONValueKind?
    var escapes = false
    var integerReady = false

    var lower: Int { Int(lower32) }
    var upper: Int { Int(upper32) }

    @inline(__always) mutating func set(_ kind: JSONValueKind, _ lower: Int, _ upper: Int, _ escapes: Bool) {
        self.kind = kind
        lower32 = Int32(truncatingIfNeeded: lower)
        upper32 = Int32(truncatingIfNeeded: upper)
        self.escapes = escapes
        integerReady = false
    }

    @inline(__always) mutating func setInteger(_ lower: Int, _ upper: Int, _ value: Int64, _ ready: Bool) {
        kind = .number
        lower32 = Int32(truncatingIfNeeded: lower)
        upper32 = Int32(truncatingIfNeeded: upper)
        escapes = false
        integer = value
        integerReady = ready
    }
}

/// The remembered values of one object (the line itself, or its `data` member).
struct Fields {
    var e = ValueSlot(), E = ValueSlot(), s = ValueSlot(), t = ValueSlot(), p = ValueSlot()
    var q = ValueSlot(), T = ValueSlot(), m = ValueSlot(), a = ValueSlot(), f = ValueSlot(), l = ValueSlot()

    /// Remembers a value under the one-byte key `key` (unknown keys are ignored).
    @inline(__always) mutating func assign(_ key: UInt8, _ kind: JSONValueKind, _ lower: Int, _ upper: Int) {
        withSlot(key) { $0.set(kind, lower, upper, false) }
    }

    /// Remembers a plain integer under the one-byte key `key`.
    @inline(__always) mutating func assignInteger(_ key: UInt8, _ lower: Int, _ upper: Int, _ value: Int64) {
        withSlot(key) { $0.setInteger(lower, upper, value, true) }
    }

    /// Runs `update` on the slot of the one-byte key `key`; unknown keys have no slot.
    @inline(__always) private mutating func withSlot(_ key: UInt8, _ update: (inout ValueSlot) -> Void) {
        switch key {
        case UInt8(ascii: "e"): update(&e)
        case UInt8(ascii: "E"): update(&E)
        case UInt8(ascii: "s"): update(&s)
        case UInt8(ascii: "t"): update(&t)
        case UInt8(ascii: "p"): update(&p)
        case UInt8(ascii: "q"): update(&q)
        case UInt8(ascii: "T"): update(&T)
        case UInt8(ascii: "m"): update(&m)
        case UInt8(ascii: "a"): update(&a)
        case UInt8(ascii: "f"): update(&f)
        case UInt8(ascii: "l"): update(&l)
        default: break
        }
    }

    /// Turns the remembered values into a `Trade`, checking presence, types and ranges.
    /// (`mutating` only so the caller's fields are used in place rather than copied.)
    mutating func trade(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade {
        // Event type first: a well-formed non-trade event should say so, not "missing t".
        guard let eKind = e.kind else { throw .missingField("e") }
        guard eKind == .string else { throw .wrongType(field: "e", expected: "a string") }
        let kind: Trade.Kind
        let eLength = e.upper - e.lower
        if eLength == 5, Scanner.load32(line, e.lower) == Scanner.word("trad"), line[e.lower + 4] == UInt8(ascii: "e") {
            kind = .trade
        } else if eLength == 8, Scanner.load32(line, e.lower) == Scanner.word("aggT"),
                  Scanner.load32(line, e.lower + 4) == Scanner.word("rade") {
            kind = .aggTrade
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[e.lower..<min(e.upper, e.lower + 40)]),
                              as: UTF8.self)
            throw .notATrade(eventType: text)
        }

        guard let sKind = s.kind else { throw .missingField("s") }
        guard sKind == .string else { throw .wrongType(field: "s", expected: "a string") }
        if s.escapes { throw .invalidValue(field: "s", reason: "must not contain escapes") }
        guard let symbol = Symbol(bytes: UnsafeRawBufferPointer(rebasing: line[s.lower..<s.upper])) else {
            throw .invalidValue(field: "s", reason: s.upper == s.lower
                                ? "is empty" : "is longer than \(Symbol.maxLength) bytes")
        }

        let tradeID: Int64, firstID: Int64, lastID: Int64
        switch kind {
        case .trade:
            tradeID = try Fields.integer(t, "t", line)
            firstID = tradeID
            lastID = tradeID
        case .aggTrade:
            tradeID = try Fields.integer(a, "a", line)
            firstID = try Fields.integer(f, "f", line)
            lastID = try Fields.integer(l, "l", line)
            if lastID < firstID { throw .invalidValue(field: "l", reason: "is below f") }
        }

        let price = try Fields.decimal(p, "p", line)
        guard price > 0, price.isFinite else { throw .invalidValue(field: "p", reason: "must be positive") }
        let quantity = try Fields.decimal(q, "q", line)
        guard quantity >= 0, quantity.isFinite else {
            throw .invalidValue(field: "q", reason: "must not be negative")
        }

        var tradeTime = try Fields.integer(T, "T", line)
        var remainder: Int16 = 0
        if tradeTime >= Trade.microsecondThreshold {
            remainder = Int16(tradeTime % 1000)
            tradeTime /= 1000
        }
        var eventTime = try Fields.integer(E, "E", line)
        if eventTime >= Trade.microsecondThreshold { eventTime /= 1000 }

        guard let mKind = m.kind else { throw .missingField("m") }
        let buyerIsMaker: Bool
        switch mKind {
        case .true: buyerIsMaker = true
        case .false: buyerIsMaker = false
        default: throw .wrongType(field: "m", expected: "true or false")
        }

        return Trade(kind: kind, symbol: symbol, tradeID: tradeID, firstTradeID: firstID, lastTradeID: lastID,
                     price: price, quantity: quantity, tradeTime: tradeTime, eventTime: eventTime,
                     buyerIsMaker: buyerIsMaker, tradeTimeMicrosecondRemainder: remainder)
    }

    /// A non-negative JSON integer (ids and timestamps).
    @inline(__always)
    static func integer(_ slot: ValueSlot, _ key: String, _ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Int64 {
        guard let kind = slot.kind else { throw .missingField(key) }
        guard kind == .number else { throw .wrongType(field: key, expected: "an integer") }
        if slot.integerReady {
            guard slot.integer >= 0 else { throw .invalidValue(field: key, reason: "must not be negative") }
            return slot.integer
        }
        guard let value = DecimalParser.int64(line, slot.lower..<slot.upper) else {
            throw .invalidValue(field: key, reason: "is not an integer that fits in 64 bits")
        }
        guard value >= 0 else { throw .invalidValue(field: key, reason: "must not be negative") }
        return value
    }

    /// A decimal string (`"67012.34000000"`), as Binance sends prices and quantities.
    @inline(__always)
    static func decimal(_ slot: ValueSlot, _ key: String, _ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Double {
        guard let kind = slot.kind else { throw .missingField(key) }
        guard kind == .string else { throw .wrongType(field: key, expected: "a decimal string") }
        guard !slot.escapes, let value = DecimalParser.double(line, slot.lower..<slot.upper) else {
            throw .invalidValue(field: key, reason: "is not a decimal number")
        }
        return value
    }
}

/// The validating single-pass scanner. Works on a raw pointer; every access is checked against
/// `end` by the grammar, never past it.
struct Scanner {
    let base: UnsafePointer<UInt8>
    var index = 0
    let end: Int

    init(base: UnsafePointer<UInt8>, end: Int) {
        self.base = base
        self.end = end
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { base[i] }

    @inline(__always) mutating func skipWhitespace() {
        while index < end {
            switch base[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// At `{`: scans the object through its `}`, remembering known keys in `fields`. At depth 1 a
    /// `data` member holding an object is the combined-stream payload and goes to `inner`.
    mutating func scanObject(
        into fields: inout Fields, inner: inout Fields, envelope: inout Bool, depth: Int
    ) throws(JSONScanError) {
        index += 1
        skipWhitespace()
        if index < end, base[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            guard base[index] == UInt8(ascii: "\"") else { throw .unexpectedByte(base[index], at: index) }
            let (keyLower, keyUpper, keyEscapes) = try scanString()
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            guard base[index] == UInt8(ascii: ":") else { throw .unexpectedByte(base[index], at: index) }
            index += 1
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            let keyLength = keyUpper - keyLower
            if keyLength == 1 && !keyEscapes {
                let first = base[index]
                if first &- UInt8(ascii: "0") < 10 || first == UInt8(ascii: "-") {
                    // Ids and timestamps: parse while validating, no second pass.
                    let lower = index
                    let (value, ready) = try scanIntegerOrNumber()
                    switch base[keyLower] {
                    case UInt8(ascii: "t"): fields.t.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "T"): fields.T.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "E"): fields.E.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "e"): fields.e.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "s"): fields.s.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "p"): fields.p.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "q"): fields.q.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "m"): fields.m.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "a"): fields.a.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "f"): fields.f.setInteger(lower, index, value, ready)
                    case UInt8(ascii: "l"): fields.l.setInteger(lower, index, value, ready)
                    default: break
                    }
                } else {
                let (kind, lower, upper, escapes) = try scanValue(depth: depth)
                switch base[keyLower] {
                case UInt8(ascii: "e"): fields.e.set(kind, lower, upper, escapes)
                case UInt8(ascii: "E"): fields.E.set(kind, lower, upper, escapes)
                case UInt8(ascii: "s"): fields.s.set(kind, lower, upper, escapes)
                case UInt8(ascii: "t"): fields.t.set(kind, lower, upper, escapes)
                case UInt8(ascii: "p"): fields.p.set(kind, lower, upper, escapes)
                case UInt8(ascii: "q"): fields.q.set(kind, lower, upper, escapes)
                case UInt8(ascii: "T"): fields.T.set(kind, lower, upper, escapes)
                case UInt8(ascii: "m"): fields.m.set(kind, lower, upper, escapes)
                case UInt8(ascii: "a"): fields.a.set(kind, lower, upper, escapes)
                case UInt8(ascii: "f"): fields.f.set(kind, lower, upper, escapes)
                case UInt8(ascii: "l"): fields.l.set(kind, lower, upper, escapes)
                default: break
                }
                }
            } else if depth == 1, keyLength == 4, !keyEscapes, base[index] == UInt8(ascii: "{"),
                      base[keyLower] == UInt8(ascii: "d"), base[keyLower + 1] == UInt8(ascii: "a"),
                      base[keyLower + 2] == UInt8(ascii: "t"), base[keyLower + 3] == UInt8(ascii: "a") {
                var unused = Fields()
                var nested = false
                inner = Fields()
                try scanObject(into: &inner, inner: &unused, envelope: &nested, depth: 2)
                envelope = true
            } else {
                _ = try scanValue(depth: depth)
            }
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            let b = base[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "}") { return }
            throw .unexpectedByte(b, at: index - 1)
        }
    }

    /// At `"`: returns the content bounds (without quotes) and whether escapes occur.
    @inline(__always)
    mutating func scanString() throws(JSONScanError) -> (Int, Int, Bool) {
        index += 1
        let start = index
        var escapes = false
        while index < end {
            let b = base[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return (start, index - 1, escapes)
            }
            if b == UInt8(ascii: "\\") {
                escapes = true
                guard index + 1 < end else { throw .unexpectedEnd }
                switch base[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 5 < end else { throw .unexpectedEnd }
                    for k in 2...5 where !Scanner.isHexDigit(base[index + k]) { throw .invalidEscape(at: index) }
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

    /// Any JSON value; returns its kind and bounds (string bounds exclude the quotes).
    mutating func scanValue(depth: Int) throws(JSONScanError) -> (JSONValueKind, Int, Int, Bool) {
        guard index < end else { throw .unexpectedEnd }
        let start = index
        switch base[index] {
        case UInt8(ascii: "\""):
            let (lower, upper, escapes) = try scanString()
            return (.string, lower, upper, escapes)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            return (.number, start, index, false)
        case UInt8(ascii: "t"):
            try literal("true")
            return (.true, start, index, false)
        case UInt8(ascii: "f"):
            try literal("false")
            return (.false, start, index, false)
        case UInt8(ascii: "n"):
            try literal("null")
            return (.null, start, index, false)
        case UInt8(ascii: "{"):
            guard depth < JSONObjectScanner.maxDepth else { throw .nestingTooDeep }
            try skipObject(depth: depth + 1)
            return (.object, start, index, false)
        case UInt8(ascii: "["):
            guard depth < JSONObjectScanner.maxDepth else { throw .nestingTooDeep }
            try skipArray(depth: depth + 1)
            return (.array, start, index, false)
        default:
            throw .unexpectedByte(base[index], at: index)
        }
    }

    mutating func skipObject(depth: Int) throws(JSONScanError) {
        index += 1
        skipWhitespace()
        if index < end, base[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            guard base[index] == UInt8(ascii: "\"") else { throw .unexpectedByte(base[index], at: index) }
            _ = try scanString()
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            guard base[index] == UInt8(ascii: ":") else { throw .unexpectedByte(base[index], at: index) }
            index += 1
            skipWhitespace()
            _ = try scanValue(depth: depth)
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            let b = base[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "}") { return }
            throw .unexpectedByte(b, at: index - 1)
        }
    }

    mutating func skipArray(depth: Int) throws(JSONScanError) {
        index += 1
        skipWhitespace()
        if index < end, base[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            _ = try scanValue(depth: depth)
            skipWhitespace()
            guard index < end else { throw .unexpectedEnd }
            let b = base[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "]") { return }
            throw .unexpectedByte(b, at: index - 1)
        }
    }

    @inline(__always)
    mutating func literal(_ word: StaticString) throws(JSONScanError) {
        let n = word.utf8CodeUnitCount
        if index + 4 <= end {
            let w = word.utf8Start
            let expected = UInt32(w[0]) | UInt32(w[1]) << 8 | UInt32(w[2]) << 16 | UInt32(w[3]) << 24
            if UnsafeRawPointer(base + index).loadUnaligned(as: UInt32.self) == expected,
               n == 4 || (index + 5 <= end && base[index + 4] == w[4]) {
                index += n
                return
            }
        }
        try slowLiteral(word)
    }

    mutating func slowLiteral(_ word: StaticString) throws(JSONScanError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n {
            guard index + k < end else { throw .unexpectedEnd }
            if base[index + k] != w[k] { throw .unexpectedByte(base[index + k], at: index + k) }
        }
        index += n
    }

    /// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    @inline(__always)
    mutating func scanNumber() throws(JSONScanError) {
        let start = index
        if base[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end, Scanner.isDigit(base[index]) else {
            if index >= end { throw .unexpectedEnd }
            throw .invalidNumber(at: start)
        }
        if base[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < end, Scanner.isDigit(base[index]) { index += 1 }
        }
        if index < end, base[index] == UInt8(ascii: ".") {
            index += 1
            guard index < end, Scanner.isDigit(base[index]) else { throw .invalidNumber(at: start) }
            while index < end, Scanner.isDigit(base[index]) { index += 1 }
        }
        if index < end, base[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < end, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end, Scanner.isDigit(base[index]) else { throw .invalidNumber(at: start) }
            while index < end, Scanner.isDigit(base[index]) { index += 1 }
        }
    }

    /// At `-` or a digit: validates a JSON number and returns its value when it is a plain
    /// integer of at most 18 digits (`ready`), which covers every id and timestamp.
    @inline(__always)
    mutating func scanIntegerOrNumber() throws(JSONScanError) -> (Int64, Bool) {
        let start = index
        var negative = false
        if base[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
            guard index < end else { throw .unexpectedEnd }
            guard Scanner.isDigit(base[index]) else { throw .invalidNumber(at: start) }
        }
        let digitsStart = index
        var value: UInt64 = 0
        if base[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < end {
                let d = base[index] &- UInt8(ascii: "0")
                if d >= 10 { break }
                value = value &* 10 &+ UInt64(d)
                index += 1
            }
        }
        var ready = index - digitsStart <= 18
        if index < end, base[index] == UInt8(ascii: ".") || base[index] | 0x20 == UInt8(ascii: "e") {
            ready = false
            index = start
            try scanNumber()
        }
        let signed = Int64(truncatingIfNeeded: value)
        return (negative ? -signed : signed, ready)
    }

    @inline(__always) static func load32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }

    /// The first four bytes of `text` as a little-endian word (for `load32` comparisons).
    @inline(__always) static func word(_ text: StaticString) -> UInt32 {
        let w = text.utf8Start
        return UInt32(w[0]) | UInt32(w[1]) << 8 | UInt32(w[2]) << 16 | UInt32(w[3]) << 24
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20) &- UInt8(ascii: "a") < 6
    }
}
