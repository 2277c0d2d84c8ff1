import BNCCore

/// The fast path of `TradeLineParser`: one tight pass over the compact form Binance and
/// bnc-stream write (no whitespace, no escapes, no nested values except the envelope's `data`).
/// It validates everything it accepts; on anything else it gives up (returns false) and the
/// general validating `Scanner` parses the line from scratch, so both paths accept exactly the
/// same lines with the same results.
enum CompactLineScanner {
    /// Fills `fields` (the payload's, after unwrapping an envelope) or returns false.
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ end: Int, into fields: inout Fields) -> Bool {
        guard end >= 2, p[0] == UInt8(ascii: "{") else { return false }
        var envelope = false
        guard let close = scanObject(p, 0, end, &fields, &envelope, depth: 1), close == end else { return false }
        return true
    }

    /// At `{`; returns the index after the matching `}` or nil.
    @inline(__always)
    static func scanObject(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ fields: inout Fields,
        _ envelope: inout Bool, depth: Int
    ) -> Int? {
        var i = start + 1
        guard i < end else { return nil }
        if p[i] == UInt8(ascii: "}") { return i + 1 }
        while true {
            // Key.
            guard i + 3 < end, p[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            var keyByte: UInt8 = 0
            var keyIsData = false
            if p[i + 2] == UInt8(ascii: "\"") {
                keyByte = p[i + 1]
                guard keyByte >= 0x20, keyByte != UInt8(ascii: "\\"), keyByte != UInt8(ascii: "\"") else { return nil }
                i += 3
            } else {
                guard let after = scanPlainString(p, keyStart, end) else { return nil }
                keyIsData = after - keyStart == 5 && p[keyStart] == UInt8(ascii: "d") && p[keyStart + 1] == UInt8(ascii: "a")
                    && p[keyStart + 2] == UInt8(ascii: "t") && p[keyStart + 3] == UInt8(ascii: "a")
                i = after
            }
            // After the envelope's payload, its siblings no longer count.
            if envelope { keyByte = 0 }
            guard i < end, p[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard i < end else { return nil }
            // Value.
            let first = p[i]
            if first == UInt8(ascii: "\"") {
                guard let after = scanPlainString(p, i + 1, end) else { return nil }
                switch keyByte {
                case UInt8(ascii: "e"): fields.e.set(.string, i + 1, after - 1, false)
                case UInt8(ascii: "s"): fields.s.set(.string, i + 1, after - 1, false)
                case UInt8(ascii: "p"): fields.p.set(.string, i + 1, after - 1, false)
                case UInt8(ascii: "q"): fields.q.set(.string, i + 1, after - 1, false)
                case 0: break
                default: fields.assign(keyByte, .string, i + 1, after - 1)
                }
                i = after
            } else if first &- UInt8(ascii: "0") < 10 || first == UInt8(ascii: "-") {
                let numberStart = i
                var negative = false
                if first == UInt8(ascii: "-") { negative = true; i += 1; guard i < end else { return nil } }
                let digitsStart = i
                // Eight digits at a time (SWAR) while eight bytes remain, then byte by byte.
                guard let (afterDigits, value) = DigitBlocks.scanDigits(p, i, end) else { return nil }
                i = afterDigits
                let digits = i - digitsStart
                // Plain integers only; leading zeros, fractions and exponents go the general way.
                guard digits > 0, digits <= 18, digits == 1 || p[digitsStart] != UInt8(ascii: "0") else { return nil }
                if i < end, p[i] == UInt8(ascii: ".") || p[i] | 0x20 == UInt8(ascii: "e") { return nil }
                let signed = negative ? -Int64(value) : Int64(value)
                switch keyByte {
                case UInt8(ascii: "t"): fields.t.setInteger(numberStart, i, signed, true)
                case UInt8(ascii: "T"): fields.T.setInteger(numberStart, i, signed, true)
                case UInt8(ascii: "E"): fields.E.setInteger(numberStart, i, signed, true)
                case 0: break
                default: fields.assignInteger(keyByte, numberStart, i, signed)
                }
            } else if first == UInt8(ascii: "t") {
                guard i + 4 <= end, load32(p + i) == 0x6575_7274 else { return nil }   // "true"
                if keyByte != 0 { fields.assign(keyByte, .true, i, i + 4) }
                i += 4
            } else if first == UInt8(ascii: "f") {
                guard i + 5 <= end, load32(p + i + 1) == 0x6573_6C61 else { return nil }  // "alse"
                if keyByte != 0 { fields.assign(keyByte, .false, i, i + 5) }
                i += 5
            } else if first == UInt8(ascii: "n") {
                guard i + 4 <= end, load32(p + i) == 0x6C6C_756E else { return nil }   // "null"
                if keyByte != 0 { fields.assign(keyByte, .null, i, i + 4) }
                i += 4
            } else if first == UInt8(ascii: "{"), keyIsData, depth == 1, !envelope {
                // The combined-stream payload: it replaces whatever the envelope said so far.
                var nested = false
                fields = Fields()
                guard let after = scanObject(p, i, end, &fields, &nested, depth: 2) else { return nil }
                envelope = true
                i = after
            } else {
                return nil
            }
            guard i < end else { return nil }
            let separator = p[i]
            i += 1
            if separator == UInt8(ascii: ",") { continue }
            if separator == UInt8(ascii: "}") { return i }
            return nil
        }
    }

    /// After an opening quote: the index after the closing quote, or nil for escapes, control
    /// bytes, or no closing quote. Eight bytes at a time where the line allows.
    @inline(__always)
    static func scanPlainString(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (w &- ones &* 0x20) & ~w) & highs
            if special != 0 {
                let at = i + special.trailingZeroBitCount >> 3
                return p[at] == UInt8(ascii: "\"") ? at + 1 : nil
            }
            i += 8
        }
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") { return i + 1 }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    @inline(__always) static func load32(_ p: UnsafePointer<UInt8>) -> UInt32 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)
    }
}
