import BNCCore

/// The fastest path of `TradeLineParser`: the exact layout Binance sends for spot trades (and so
/// bnc-stream writes), optionally inside the combined-stream envelope:
///
///     {"e":"trade","E":<int>,"s":"<symbol>","t":<int>,"p":"<decimal>","q":"<decimal>","T":<int>,"m":<bool>,"M":<bool>}
///     {"stream":"<name>","data":<the above>}
///
/// Keys are matched as fixed byte strings instead of being dispatched one by one, digits are read
/// eight at a time, and the `Trade` is built directly. Anything that deviates in the slightest —
/// other key order, whitespace, escapes, extra keys, a value the trade rules would reject — makes
/// it return nil, and the general paths parse the line (and name the error), so every path
/// accepts exactly the same lines with the same result.
enum TradeTemplateScanner {
    // The key sequences between the values, as little-endian words (first byte lowest) with
    // their lengths at the call sites: `,"s":"` and so on; `{"e":"trade","E":` is two words and a byte.
    static let head0: UInt64 = 0x7274_223A_2265_227B      // {"e":"tr
    static let head1: UInt64 = 0x2245_222C_2265_6461      // ade","E"
    static let symbolKey: UInt64 = 0x0000_223A_2273_222C  // ,"s":"
    static let tradeIDKey: UInt64 = 0x0000_003A_2274_222C // ,"t":
    static let priceKey: UInt64 = 0x0000_223A_2270_222C   // ,"p":"
    static let quantityKey: UInt64 = 0x0000_223A_2271_222C // ,"q":"
    static let timeKey: UInt64 = 0x0000_003A_2254_222C    // ,"T":
    static let makerKey: UInt64 = 0x0000_003A_226D_222C   // ,"m":
    static let bestKey: UInt64 = 0x0000_003A_224D_222C    // ,"M":
    static let dataKey: UInt64 = 0x3A22_6174_6164_222C    // ,"data":

    /// The whole of `line` as a trade in the template layout, or nil.
    @inline(__always)
    static func parse(_ line: UnsafeRawBufferPointer) -> Trade? {
        guard let raw = line.baseAddress,
              let (trade, after) = parseObject(raw.assumingMemoryBound(to: UInt8.self), line.count),
              after == line.count
        else { return nil }
        return trade
    }

    /// A trade line in the template layout at the start of the `available` bytes at `start`,
    /// ending at a `\n` inside them: the trade and the line's length (without the `\n`). Every
    /// byte of the line is checked (no control byte can hide in it, so the `\n` found is the
    /// line's first), which lets a reader skip splitting the line before parsing it.
    @inline(__always)
    static func parseLeadingLine(_ start: UnsafeRawPointer, _ available: Int) -> (Trade, Int)? {
        let p = start.assumingMemoryBound(to: UInt8.self)
        guard let (trade, after) = parseObject(p, available), after < available, p[after] == UInt8(ascii: "\n")
        else { return nil }
        return (trade, after)
    }

    /// The object at the start of the `end` bytes at `p`: the trade and the index after its
    /// closing brace (after the envelope's, when wrapped). Loads stay below `end`.
    @inline(__always)
    static func parseObject(_ p: UnsafePointer<UInt8>, _ end: Int) -> (Trade, Int)? {
        var i = 0
        var envelope = false
        // {"stream":"<name>","data":{…}}
        if end > 11, load64(p) == word(#"{"stream"#), p[8] == UInt8(ascii: "\""), p[9] == UInt8(ascii: ":"),
           p[10] == UInt8(ascii: "\"") {
            guard let afterName = plainString(p, 11, end), key(p, afterName, end, dataKey, 8) else { return nil }
            i = afterName + 8
            envelope = true
        }
        let line = UnsafeRawBufferPointer(start: p, count: end)
        guard key(p, i, end, head0, 8), key(p, i + 8, end, head1, 8), i + 17 <= end, p[i + 16] == UInt8(ascii: ":")
        else { return nil }
        i += 17
        guard let (eventTime, afterE) = integer(p, i, end), key(p, afterE, end, symbolKey, 6) else { return nil }
        i = afterE + 6
        let symbolStart = i
        let symbol: Symbol
        let afterSymbol: Int
        if let (short, after) = shortSymbol(p, i, end) {
            // Most symbols (BTCUSDT) end within the first word: one load, no string scan.
            symbol = short
            afterSymbol = after
        } else {
            guard let after = plainString(p, i, end) else { return nil }
            let symbolLength = after - 1 - symbolStart
            guard symbolLength > 0, symbolLength <= Symbol.maxLength else { return nil }
            if end - symbolStart >= 24 {
                symbol = Symbol(words: p + symbolStart, count: symbolLength)
            } else {
                guard let copied = Symbol(bytes: UnsafeRawBufferPointer(start: p + symbolStart, count: symbolLength))
                else { return nil }
                symbol = copied
            }
            afterSymbol = after
        }
        // Anything but ASCII goes the general way, which checks it is UTF-8.
        guard symbol.isASCII, key(p, afterSymbol, end, tradeIDKey, 5) else { return nil }
        i = afterSymbol + 5
        guard let (tradeID, afterT) = integer(p, i, end), key(p, afterT, end, priceKey, 6) else { return nil }
        i = afterT + 6
        guard let (price, afterPrice) = decimal(line, p, i, end), key(p, afterPrice, end, quantityKey, 6),
              price > 0, price.isFinite
        else { return nil }
        i = afterPrice + 6
        guard let (quantity, afterQuantity) = decimal(line, p, i, end), key(p, afterQuantity, end, timeKey, 5),
              quantity >= 0, quantity.isFinite
        else { return nil }
        i = afterQuantity + 5
        guard let (rawTradeTime, afterTime) = integer(p, i, end), key(p, afterTime, end, makerKey, 5) else { return nil }
        i = afterTime + 5
        guard let (buyerIsMaker, afterM) = boolean(p, i, end) else { return nil }
        i = afterM
        if key(p, i, end, bestKey, 5) {
            guard let (_, afterBest) = boolean(p, i + 5, end) else { return nil }
            i = afterBest
        }
        guard i < end, p[i] == UInt8(ascii: "}") else { return nil }
        i += 1
        if envelope {
            guard i < end, p[i] == UInt8(ascii: "}") else { return nil }
            i += 1
        }

        var tradeTime = rawTradeTime
        var remainder: Int16 = 0
        if tradeTime >= WireLimits.microsecondThreshold {
            remainder = Int16(tradeTime % 1000)
            tradeTime /= 1000
        }
        let trade = Trade(kind: .trade, symbol: symbol, tradeID: tradeID, firstTradeID: tradeID, lastTradeID: tradeID,
                          price: price, quantity: quantity, tradeTime: tradeTime,
                          eventTime: eventTime >= WireLimits.microsecondThreshold ? eventTime / 1000 : eventTime,
                          buyerIsMaker: buyerIsMaker, tradeTimeMicrosecondRemainder: remainder)
        return (trade, i)
    }

    /// The string value starting at `start` (after its opening quote) as a decimal: returns the
    /// value and the index after the closing quote. Binance's `%.8f` shape (1…7 integer digits,
    /// a point, eight digits, the quote) is read straight from two words, with no separate
    /// string scan; any other string is scanned and parsed exactly as before.
    @inline(__always)
    static func decimal(_ line: UnsafeRawBufferPointer, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int)
        -> (Double, Int)? {
        if start + 8 <= end {
            let head = load64(p + start)
            let k = DigitBlocks.leadingDigitCount(head)
            let tailStart = start + k + 1
            if k >= 1, k <= 7, (head >> UInt64(k &* 8)) & 0xFF == UInt64(UInt8(ascii: ".")), tailStart + 9 <= end {
                let tail = load64(p + tailStart)
                if DigitBlocks.nonDigitMask(tail) == 0, p[tailStart + 8] == UInt8(ascii: "\"") {
                    let mantissa = DigitBlocks.value(head, digits: k) &* 100_000_000 &+ DigitBlocks.value(tail, digits: 8)
                    return (Double(mantissa) / 1e8, tailStart + 9)
                }
            }
        }
        return anyDecimal(line, p, start, end)
    }

    /// The general case of `decimal`, kept out of line so the fast path stays small.
    @inline(never)
    static func anyDecimal(_ line: UnsafeRawBufferPointer, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int)
        -> (Double, Int)? {
        guard let after = plainString(p, start, end),
              let value = DecimalParser.eightDecimals(p, start..<(after - 1), readable: end)
                ?? DecimalParser.double(line, start..<(after - 1))
        else { return nil }
        return (value, after)
    }

    /// A string value of 1…7 bytes closed within the word at `start` (after the opening quote):
    /// the symbol and the index after the closing quote. Nil otherwise (longer, empty, escapes or
    /// control bytes, too near the end): then the string is scanned in full.
    @inline(__always)
    static func shortSymbol(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Symbol, Int)? {
        guard start + 8 <= end else { return nil }
        let w = load64(p + start)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let special = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (w &- ones &* 0x20) & ~w)
            & 0x8080_8080_8080_8080
        // The lowest flagged byte is exact (borrows only disturb the bytes above it).
        let count = special.trailingZeroBitCount >> 3
        guard count >= 1, count <= 7, p[start + count] == UInt8(ascii: "\"") else { return nil }
        return (Symbol(word: w & ((1 << UInt64(count &* 8)) &- 1), count: count), start + count + 1)
    }

    /// Whether the `count` (≤ 8) bytes at `i` are those of `key` (little-endian, first byte lowest):
    /// one masked word compare when eight bytes are readable, byte by byte at the very end.
    @inline(__always)
    static func key(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ key: UInt64, _ count: Int) -> Bool {
        if i + 8 <= end {
            let mask: UInt64 = count >= 8 ? .max : (1 << UInt64(count &* 8)) &- 1
            return (load64(p + i) ^ key) & mask == 0
        }
        guard i + count <= end else { return false }
        var k = 0
        while k < count {
            if p[i + k] != UInt8(truncatingIfNeeded: key >> UInt64(k &* 8)) { return false }
            k += 1
        }
        return true
    }

    /// A plain non-negative JSON integer of 1…18 digits (no leading zero) at `start`.
    @inline(__always)
    static func integer(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int64, Int)? {
        guard let (i, value) = DigitBlocks.scanDigits(p, start, end) else { return nil }
        let digits = i - start
        guard digits > 0, digits <= 18, digits == 1 || p[start] != UInt8(ascii: "0") else { return nil }
        return (Int64(value), i)
    }

    /// `true` or `false` at `start`.
    @inline(__always)
    static func boolean(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Bool, Int)? {
        guard start + 5 <= end else { return nil }
        let w = UnsafeRawPointer(p + start).loadUnaligned(as: UInt32.self)
        if w == 0x6575_7274 { return (true, start + 4) }                                   // "true"
        if w == 0x736C_6166, p[start + 4] == UInt8(ascii: "e") { return (false, start + 5) } // "fals" + "e"
        return nil
    }

    /// After an opening quote: the index after the closing quote of a string without escapes or
    /// control bytes, else nil.
    @inline(__always)
    static func plainString(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        CompactLineScanner.scanPlainString(p, start, end)
    }

    @inline(__always) static func load64(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
    }

    @inline(__always) static func word(_ text: StaticString) -> UInt64 {
        UnsafeRawPointer(text.utf8Start).loadUnaligned(as: UInt64.self)
    }
}
