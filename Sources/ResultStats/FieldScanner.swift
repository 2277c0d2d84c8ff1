import BNCCore

/// One-pass reading of CSV fields straight from the mapped bytes, for the reader's fast row path
/// (`ResultReader`): a number is parsed and delimited in the same scan, so a field is never
/// looked at twice and no `String` is built.
///
/// The values are bit-for-bit those of `DecimalParser.double` on the same bytes: up to 19
/// significant digits are taken exactly into a 64-bit mantissa and rounded the way
/// `DecimalParser`'s general path rounds them (Clinger's exact case, then its Float80 step);
/// anything else — more digits, a Float80 result too close to a midpoint — is handed to
/// `DecimalParser.double` itself.
enum FieldScanner {
    /// Reads `-?digits(.digits)?([eE][+-]?digits)?` starting at `start`, stopping at the first
    /// byte that cannot continue it (`end` bounds the scan). Returns the value and the index of
    /// that byte, or nil when no number of that shape starts here; the caller checks that the
    /// byte it stopped at ends the field.
    @inline(__always)
    static func number(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                       _ bytes: UnsafeRawBufferPointer) -> (value: Double, next: Int)? {
        var i = start
        guard i < end else { return nil }
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        guard i > integerStart else { return nil }
        // Digits taken into the mantissa, leading zeros of a zero integer part and of the
        // fraction after it not counted (leading zeros of a nonzero integer part are, which only
        // sends such rare text to the general parser).
        var digits = mantissa == 0 ? 0 : i - integerStart
        var fractionDigits = 0
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            if mantissa == 0 { while i < end, p[i] == UInt8(ascii: "0") { i += 1 } }
            let significantStart = i
            // Eight digits per word load while they last (shortest round-trip text has 15–17).
            while i + 8 <= end {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                guard DigitBlocks.nonDigitMask(w) == 0 else { break }
                mantissa = mantissa &* 100_000_000 &+ DigitBlocks.value(w, digits: 8)
                i += 8
            }
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fractionDigits = i - fractionStart
            digits += i - significantStart
            guard fractionDigits > 0 else { return nil }
        }
        var exponent = 0
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end, p[i] &- UInt8(ascii: "0") < 10 else { return nil }
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        // More than 19 digits overflowed the mantissa: the general parser drops and tracks them.
        guard digits <= 19 else {
            guard let value = DecimalParser.double(bytes, start..<i) else { return nil }
            return (value, i)
        }
        let power = exponent - fractionDigits
        if mantissa <= 1 << 53, power >= -22, power <= 22 {
            var value = Double(mantissa)
            if power < 0 { value /= exactPowersOfTen[-power] } else { value *= exactPowersOfTen[power] }
            return (negative ? -value : value, i)
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        #if arch(x86_64) || arch(i386)
        // 17–19 digits (shortest round-trip output): as DecimalParser, one Float80 operation,
        // correct after rounding to Double unless within one Float80 ulp of a Double midpoint.
        if power >= -27, power <= 27 {
            let scale = float80PowersOfTen[power < 0 ? -power : power]
            let wide = power < 0 ? Float80(mantissa) / scale : Float80(mantissa) * scale
            let low = wide.significandBitPattern & 0x7FF
            if low < 0x3FF || low > 0x401 {
                let value = Double(wide)
                return (negative ? -value : value, i)
            }
        }
        #endif
        guard let value = DecimalParser.double(bytes, start..<i) else { return nil }
        return (value, i)
    }

    /// The date of the previous timestamp: rows come in time order, so most share it.
    struct DateCache {
        var head: UInt64 = 0
        var tail: UInt32 = 0
        var days: Int64 = 0
        var valid = false
    }

    /// Our timestamp shape, exactly 24 bytes at `s` (`2026-02-28T16:01:20.000Z`), read at fixed
    /// offsets, the day count reused while the date bytes repeat. Nil for any other text (the
    /// caller then asks `TimestampParser`, which accepts more shapes); where this accepts, the
    /// value is `TimestampParser.milliseconds`'s.
    @inline(__always)
    static func isoTimestamp(_ p: UnsafePointer<UInt8>, _ s: Int, _ cache: inout DateCache) -> Int64? {
        let head = UnsafeRawPointer(p + s).loadUnaligned(as: UInt64.self)
        let tail = UnsafeRawPointer(p + s + 7).loadUnaligned(as: UInt32.self)
        @inline(__always) func digit(_ k: Int) -> Int { Int(p[s + k] &- UInt8(ascii: "0")) }
        if !cache.valid || head != cache.head || tail != cache.tail {
            let y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3)
            let m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9)
            guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10,
                  p[s + 4] == UInt8(ascii: "-"), p[s + 7] == UInt8(ascii: "-"),
                  p[s + 10] == UInt8(ascii: "T") || p[s + 10] == UInt8(ascii: " ") else { return nil }
            let month = m0 * 10 + m1, day = d0 * 10 + d1
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            let year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            cache = DateCache(head: head, tail: tail, days: UTCTime.days(fromCivil: year, month, day), valid: true)
        }
        let h0 = digit(11), h1 = digit(12), n0 = digit(14), n1 = digit(15), s0 = digit(17), s1 = digit(18)
        let f0 = digit(20), f1 = digit(21), f2 = digit(22)
        guard h0 < 10, h1 < 10, n0 < 10, n1 < 10, s0 < 10, s1 < 10, f0 < 10, f1 < 10, f2 < 10,
              p[s + 13] == UInt8(ascii: ":"), p[s + 16] == UInt8(ascii: ":"), p[s + 19] == UInt8(ascii: "."),
              p[s + 23] == UInt8(ascii: "Z") else { return nil }
        let hour = h0 * 10 + h1, minute = n0 * 10 + n1, second = s0 * 10 + s1
        guard hour < 24, minute < 60, second < 61 else { return nil }
        let millis = (f0 * 10 + f1) * 10 + f2
        return cache.days * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + millis)
    }

    /// The index of the next comma at or after `start`, or `end`.
    @inline(__always)
    static func fieldEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end, p[i] != UInt8(ascii: ",") { i += 1 }
        return i
    }

    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    #if arch(x86_64) || arch(i386)
    /// 10^0 … 10^27, exact in Float80.
    static let float80PowersOfTen: [Float80] = {
        var p: [Float80] = [1]
        for _ in 1...27 { p.append(p.last! * 10) }
        return p
    }()
    #endif
}
