/// Decimal text (`"67012.34000000"`, `-1.5e-3`) to numbers straight from bytes, without building
/// a `String`. Doubles are correctly rounded: the common case (≤ 19 significant digits that fit
/// in 2^53, power of ten ≤ 22) is exact by Clinger's fast path, everything else goes to `strtod`,
/// which glibc rounds correctly.
public enum DecimalParser {
    @usableFromInline static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses `-?digits(.digits)?([eE][+-]?digits)?`; nil for anything else (empty, `nan`, `inf`,
    /// hex, stray characters).
    @inlinable
    public static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        double(bytes, bytes.indices)
    }

    @inlinable
    public static func double(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double? {
        // Binance's shape (`67012.34000000`) with two word loads; everything else is the number
        // at the front of the range, which must then be the whole range.
        guard let base = bytes.baseAddress, !range.isEmpty else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        if let value = eightDecimals(p, range, readable: bytes.count) { return value }
        guard let (value, next) = leadingDouble(p, range.lowerBound, range.upperBound, bytes),
              next == range.upperBound else { return nil }
        return value
    }

    /// Binance writes exactly eight decimals (`%.8f`): `digits.dddddddd` with one to seven
    /// integer digits (so the mantissa stays below 2^53 and one division rounds correctly) is read
    /// with two word loads. Nil for any other shape. `readable` bounds the bytes that may be
    /// loaded (at least eight from the start of `range` are needed).
    @inlinable @inline(__always)
    public static func eightDecimals(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, readable: Int) -> Double? {
        let length = range.count
        guard length >= 10, length <= 16, range.lowerBound + 8 <= readable,
              p[range.upperBound - 9] == UInt8(ascii: ".") else { return nil }
        let integerDigits = length - 9
        let head = UnsafeRawPointer(p + range.lowerBound).loadUnaligned(as: UInt64.self)
        let tail = UnsafeRawPointer(p + range.upperBound - 8).loadUnaligned(as: UInt64.self)
        guard DigitBlocks.leadingDigitCount(head) == integerDigits, DigitBlocks.nonDigitMask(tail) == 0 else {
            return nil
        }
        let mantissa = DigitBlocks.value(head, digits: integerDigits) &* 100_000_000 &+ DigitBlocks.value(tail, digits: 8)
        return Double(mantissa) / 1e8
    }

    @usableFromInline static func generalDouble(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var droppedDigits = 0        // integer digits beyond 19 (scale up)
        var fractionDigits = 0       // fraction digits taken into the mantissa (scale down)
        var sawDigit = false
        var inexact = false          // a nonzero digit was dropped
        while i < end, bytes[i].isDigit {
            sawDigit = true
            let d = UInt64(bytes[i] &- UInt8(ascii: "0"))
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ d
                if mantissa != 0 { significantDigits += 1 }
            } else {
                droppedDigits += 1
                if d != 0 { inexact = true }
            }
            i += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            var fractionSeen = false
            while i < end, bytes[i].isDigit {
                fractionSeen = true
                let d = UInt64(bytes[i] &- UInt8(ascii: "0"))
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ d
                    if mantissa != 0 { significantDigits += 1 }
                    fractionDigits += 1
                } else if d != 0 {
                    inexact = true
                }
                i += 1
            }
            guard fractionSeen else { return nil }
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-"); i += 1
            }
            guard i < end, bytes[i].isDigit else { return nil }
            while i < end, bytes[i].isDigit {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        guard i == end else { return nil }
        let power = exponent + droppedDigits - fractionDigits
        if !inexact, mantissa <= 1 << 53, power >= -22, power <= 22 {
            var value = Double(mantissa)
            if power < 0 { value /= exactPowersOfTen[-power] } else { value *= exactPowersOfTen[power] }
            return negative ? -value : value
        }
        if mantissa == 0 && !inexact { return negative ? -0.0 : 0.0 }
        #if arch(x86_64) || arch(i386)
        // 17–19 significant digits (shortest round-trip output of doubles, e.g. Python's repr):
        // the mantissa (< 2^64) and 10^|power| (≤ 10^27) are exact in Float80, so one Float80
        // operation is off by at most half a Float80 ulp; rounding that to Double is then correct
        // unless it lies within one Float80 ulp of a Double midpoint (low 11 bits 0x3FF…0x401),
        // which goes to strtod.
        if !inexact, power >= -27, power <= 27 {
            let scale = Self.float80PowersOfTen[power < 0 ? -power : power]
            let wide = power < 0 ? Float80(mantissa) / scale : Float80(mantissa) * scale
            let low = wide.significandBitPattern & 0x7FF
            if low < 0x3FF || low > 0x401 {
                let value = Double(wide)
                return negative ? -value : value
            }
        }
        #endif
        return slowPath(bytes, range)
    }

    /// Reads `-?digits(.digits)?([eE][+-]?digits)?` starting at `start`, stopping at the first
    /// byte that cannot continue it (`end` bounds the scan; `bytes` is the whole buffer `p`
    /// points into). Returns the value and the index of that byte, or nil when no number of that
    /// shape starts here; the caller checks that the byte it stopped at ends its field.
    ///
    /// For delimited text (CSV) where the field's end is not known yet: the number is parsed and
    /// delimited in the same scan; `double` is this plus a check that the number fills its range.
    /// Up to 19 significant digits are taken exactly into a 64-bit mantissa and rounded as the
    /// general path rounds them (Clinger's exact case, then its Float80 step); anything else —
    /// more digits, a Float80 result too close to a midpoint — goes to the general path.
    @inlinable @inline(__always)
    public static func leadingDouble(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                                     _ bytes: UnsafeRawBufferPointer) -> (value: Double, next: Int)? {
        var i = start
        guard i < end else { return nil }
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var integerIsZero = true     // not `mantissa == 0`: 20+ digits can wrap the mantissa to 0
        let integerStart = i
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            if d != 0 { integerIsZero = false }
            i += 1
        }
        guard i > integerStart else { return nil }
        // Digits taken into the mantissa, leading zeros of a zero integer part and of the
        // fraction after it not counted (leading zeros of a nonzero integer part are, which only
        // sends such rare text to the general parser).
        var digits = integerIsZero ? 0 : i - integerStart
        var fractionDigits = 0
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            if integerIsZero { while i < end, p[i] == UInt8(ascii: "0") { i += 1 } }
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
            guard let value = generalDouble(bytes, start..<i) else { return nil }
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
        guard let value = generalDouble(bytes, start..<i) else { return nil }
        return (value, i)
    }

    #if arch(x86_64) || arch(i386)
    /// 10^0 … 10^27, all exact in Float80's 64-bit significand (5^27 < 2^64).
    @usableFromInline static let float80PowersOfTen: [Float80] = {
        var p: [Float80] = [1]
        for _ in 1...27 { p.append(p.last! * 10) }
        return p
    }()
    #endif

    private static func slowPath(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double? {
        let count = range.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for k in 0..<count { buffer[k] = CChar(bitPattern: bytes[range.lowerBound + k]) }
            buffer[count] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &endPointer)
            guard endPointer == buffer.baseAddress! + count else { return nil }
            return value
        }
    }

    /// Parses an optionally negative decimal integer that fits in `Int64`; nil otherwise.
    public static func int64(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < end else { return nil }
        var value: Int64 = 0
        while i < end {
            let b = bytes[i]
            guard b.isDigit else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = a
            i += 1
        }
        return negative ? -value : value
    }

    /// Convenience for text that is already a `String` (command-line values, CSV cells).
    public static func double(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { double(UnsafeRawBufferPointer($0)) }
    }
}
