import BNCCore

/// Reads one trade line (DESIGN.md §1) straight from its bytes.
///
/// A single pass validates the whole line as JSON (so truncated or corrupt lines are rejected, not
/// half-read) while remembering where the values of the keys we need sit: `e E s t p q T m`, and
/// `a f l` for aggTrades. Any key order and whitespace is accepted, unknown keys are validated and
/// skipped (old payloads carry `b`/`a` order ids; for `e:"trade"` the key `a` is such an order id,
/// not an aggregate id), and the combined-stream envelope `{"stream":…,"data":{…}}` is unwrapped
/// (one level). Decimal strings become correctly rounded doubles via `DecimalParser`; timestamps
/// at or above `WireLimits.microsecondThreshold` are microseconds and are converted to
/// milliseconds. `TradeLinePeek` shares the general tier's scan and checks.
///
/// Three tiers, fastest first, each giving up to the next on anything unexpected, so all accept
/// exactly the same lines with the same result: `TradeTemplateScanner` (Binance's exact layout),
/// `CompactLineScanner` (any key order, no whitespace or escapes), and the general `Scanner`
/// below, which also produces the precise error. No allocation on the success path.
package enum TradeLineParser {
    /// Parses `line` (without its `\n`) into a `Trade`, or throws why it is not one.
    package static func parse(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade {
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
    package static func parseLeadingLine(_ start: UnsafeRawPointer, available: Int) -> (trade: Trade, length: Int)? {
        guard available > 0, available < Int(Int32.max) else { return nil }
        guard let (trade, length) = TradeTemplateScanner.parseLeadingLine(start, available) else { return nil }
        return (trade, length)
    }

    /// The general path: any whitespace, escapes and nesting, with a precise error. BNCCore's
    /// validating scanner walks the object; a `data` member holding an object is the
    /// combined-stream payload, scanned the same way.
    static func parseGeneral(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade {
        var fields: Fields
        do throws(JSONScanError) {
            (fields, _) = try scanGeneral(line)
        } catch {
            throw .syntax(error)
        }
        return try fields.trade(line)
    }

    /// The general tier's scan, shared with `TradeLinePeek`: validates `line` as one JSON object
    /// and remembers our keys' values, those of the `data` object when the line is a
    /// combined-stream envelope (whose range is then returned too).
    static func scanGeneral(_ line: UnsafeRawBufferPointer) throws(JSONScanError) -> (Fields, envelope: Range<Int>?) {
        var outer = Fields()
        var inner = Fields()
        var envelope: Range<Int>?
        try JSONObjectScanner.scan(line) { (member: JSONMember) throws(JSONScanError) in
            if member.kind == .object, JSONObjectScanner.bytes(line, member.keyRange, equal: "data") {
                inner = Fields()
                try JSONObjectScanner.scan(line, range: member.valueRange) { (field: JSONMember) throws(JSONScanError) in
                    inner.remember(field, in: line)
                }
                envelope = member.valueRange
            } else {
                outer.remember(member, in: line)
            }
        }
        return envelope == nil ? (outer, nil) : (inner, envelope)
    }

    /// The same, for text (tests, command-line values).
    package static func parse(_ text: String) throws(TradeLineError) -> Trade {
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

    /// Remembers a member found by `JSONObjectScanner` if its key is one of ours (all one byte,
    /// which no escape sequence can be).
    @inline(__always) mutating func remember(_ member: JSONMember, in line: UnsafeRawBufferPointer) {
        guard member.keyRange.count == 1 else { return }
        let (kind, range, escapes) = (member.kind, member.valueRange, member.valueHasEscapes)
        withSlot(line[member.keyRange.lowerBound]) { $0.set(kind, range.lowerBound, range.upperBound, escapes) }
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
        let kind = try eventKind(line)
        let symbol = try self.symbol(line)

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
            // Both are non-negative (Fields.integer), so this is WireLimits.isPlausibleAggTradeRange.
            if !WireLimits.isPlausibleAggTradeRange(first: firstID, last: lastID) {
                throw .invalidValue(field: "l", reason: "makes the aggTrade cover more than \(WireLimits.maxTradesPerAggTrade) trades (l − f + 1)")
            }
        }

        let price = try Fields.decimal(p, "p", line)
        guard price > 0, price.isFinite else { throw .invalidValue(field: "p", reason: "must be positive") }
        let quantity = try Fields.decimal(q, "q", line)
        guard quantity >= 0, quantity.isFinite else {
            throw .invalidValue(field: "q", reason: "must not be negative")
        }

        var tradeTime = try Fields.integer(T, "T", line)
        var remainder: Int16 = 0
        if tradeTime >= WireLimits.microsecondThreshold {
            remainder = Int16(tradeTime % 1000)
            tradeTime /= 1000
        }
        var eventTime = try Fields.integer(E, "E", line)
        if eventTime >= WireLimits.microsecondThreshold { eventTime /= 1000 }

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

    /// `e`: a trade or an aggTrade, else why not.
    @inline(__always)
    func eventKind(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade.Kind {
        guard let eKind = e.kind else { throw .missingField("e") }
        guard eKind == .string else { throw .wrongType(field: "e", expected: "a string") }
        let eLength = e.upper - e.lower
        if eLength == 5, Scanner.load32(line, e.lower) == Scanner.word("trad"), line[e.lower + 4] == UInt8(ascii: "e") {
            return .trade
        } else if eLength == 8, Scanner.load32(line, e.lower) == Scanner.word("aggT"),
                  Scanner.load32(line, e.lower + 4) == Scanner.word("rade") {
            return .aggTrade
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[e.lower..<min(e.upper, e.lower + 40)]),
                          as: UTF8.self)
        throw .notATrade(eventType: text)
    }

    /// `s`: a plain string of 1…`WireLimits.maxSymbolLength` bytes of well-formed UTF-8.
    @inline(__always)
    func symbol(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> Symbol {
        guard let sKind = s.kind else { throw .missingField("s") }
        guard sKind == .string else { throw .wrongType(field: "s", expected: "a string") }
        if s.escapes { throw .invalidValue(field: "s", reason: "must not contain escapes") }
        guard let symbol = Symbol(bytes: UnsafeRawBufferPointer(rebasing: line[s.lower..<s.upper])) else {
            throw .invalidValue(field: "s", reason: s.upper == s.lower
                                ? "is empty" : "is longer than \(WireLimits.maxSymbolLength) bytes")
        }
        // Refused here, where it enters, rather than turned into U+FFFD on the way out.
        guard symbol.isValidUTF8 else { throw .invalidValue(field: "s", reason: "is not valid UTF-8") }
        return symbol
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

/// Word-at-a-time helpers shared by the tiers.
enum Scanner {
    @inline(__always) static func load32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }

    /// The first four bytes of `text` as a little-endian word (for `load32` comparisons).
    @inline(__always) static func word(_ text: StaticString) -> UInt32 {
        let w = text.utf8Start
        return UInt32(w[0]) | UInt32(w[1]) << 8 | UInt32(w[2]) << 16 | UInt32(w[3]) << 24
    }
}
