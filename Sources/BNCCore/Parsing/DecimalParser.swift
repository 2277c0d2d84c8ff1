/// Decimal text (`"67012.34000000"`, `-1.5e-3`) to numbers straight from bytes, without building
/// a `String`. Doubles are correctly rounded: the common case (≤ 19 significant digits that fit
/// in 2^53, power of ten ≤ 22) is exact by Clinger's fast path; other mantissas of up to 19
/// digits with a power of ten within 10^±27 are rounded by Eisel–Lemire (both `leadingDouble`
/// and the general path); everything else goes to `strtod`, which glibc rounds correctly.
public enum DecimalParser {
    /// 10^k for k in 0…22, the powers of ten a double holds exactly (Clinger's fast path). A
    /// switch of constants (a table in the binary) rather than a global array, whose every read
    /// cost a `swift_once` call.
    @inlinable @inline(__always)
    static func exactPowerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

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
            if power < 0 { value /= exactPowerOfTen(-power) } else { value *= exactPowerOfTen(power) }
            return negative ? -value : value
        }
        if mantissa == 0 && !inexact { return negative ? -0.0 : 0.0 }
        // 17–19 significant digits (shortest round-trip output of doubles, e.g. Python's repr):
        // Eisel–Lemire, as `leadingDouble` rounds them.
        if !inexact, power >= -lemirePowerRange, power <= lemirePowerRange {
            let value = eiselLemire(mantissa, power)
            return negative ? -value : value
        }
        return slowPath(bytes, range)
    }

    /// Reads `-?digits(.digits)?([eE][+-]?digits)?` starting at `start`, stopping at the first
    /// byte that cannot continue it (`end` bounds the scan; `bytes` is the whole buffer `p`
    /// points into). Returns the value and the index of that byte, or nil when no number of that
    /// shape starts here; the caller checks that the byte it stopped at ends its field.
    ///
    /// For delimited text (CSV) where the field's end is not known yet: the number is parsed and
    /// delimited in the same scan; `double` is this plus a check that the number fills its range.
    /// Up to 19 significant digits are taken exactly into a 64-bit mantissa and rounded
    /// correctly (Clinger's exact case, else Eisel–Lemire for powers 10^−27 … 10^27, which the
    /// 17 digits of shortest round-trip text usually need); anything else — more digits, a
    /// larger power — goes to the general path. All of them round correctly, so they agree bit
    /// for bit.
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
            if power < 0 { value /= exactPowerOfTen(-power) } else { value *= exactPowerOfTen(power) }
            return (negative ? -value : value, i)
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        // 17–19 digits (shortest round-trip output): Eisel–Lemire, exact for every 64-bit
        // mantissa with a power of ten in its table's range.
        if power >= -lemirePowerRange, power <= lemirePowerRange {
            let value = eiselLemire(mantissa, power)
            return (negative ? -value : value, i)
        }
        guard let value = generalDouble(bytes, start..<i) else { return nil }
        return (value, i)
    }

    /// Powers of ten `eiselLemire` covers: 10^−27 … 10^27 (shortest round-trip text of doubles
    /// between 1e-10 and 1e10 or so needs far less; beyond, the general path).
    @inlinable static var lemirePowerRange: Int { 27 }

    /// 5^q for q in −27…27 as a 128-bit (high word, low word) value with bit 127 set:
    /// 5^q shifted left for q ≥ 0 (exact); ⌊2^b / 5^−q⌋ + 1 with b = bitlength(5^−q) + 127 for
    /// q < 0 — fast_float's `powers_of_five_128` for these q (Lemire, "Number parsing at a
    /// gigabyte per second"; its script computes them thus). A switch of constants, which the
    /// compiler makes a table, where a global array costs a `swift_once` call on every read.
    @inlinable @inline(__always)
    static func lemirePowerOfFive(_ q: Int) -> (high: UInt64, low: UInt64) {
        switch q {
        case -27: return (0x9e74d1b791e07e48, 0x775ea264cf55347e)
        case -26: return (0xc612062576589dda, 0x95364afe032a819e)
        case -25: return (0xf79687aed3eec551, 0x3a83ddbd83f52205)
        case -24: return (0x9abe14cd44753b52, 0xc4926a9672793543)
        case -23: return (0xc16d9a0095928a27, 0x75b7053c0f178294)
        case -22: return (0xf1c90080baf72cb1, 0x5324c68b12dd6339)
        case -21: return (0x971da05074da7bee, 0xd3f6fc16ebca5e04)
        case -20: return (0xbce5086492111aea, 0x88f4bb1ca6bcf585)
        case -19: return (0xec1e4a7db69561a5, 0x2b31e9e3d06c32e6)
        case -18: return (0x9392ee8e921d5d07, 0x3aff322e62439fd0)
        case -17: return (0xb877aa3236a4b449, 0x09befeb9fad487c3)
        case -16: return (0xe69594bec44de15b, 0x4c2ebe687989a9b4)
        case -15: return (0x901d7cf73ab0acd9, 0x0f9d37014bf60a11)
        case -14: return (0xb424dc35095cd80f, 0x538484c19ef38c95)
        case -13: return (0xe12e13424bb40e13, 0x2865a5f206b06fba)
        case -12: return (0x8cbccc096f5088cb, 0xf93f87b7442e45d4)
        case -11: return (0xafebff0bcb24aafe, 0xf78f69a51539d749)
        case -10: return (0xdbe6fecebdedd5be, 0xb573440e5a884d1c)
        case -9: return (0x89705f4136b4a597, 0x31680a88f8953031)
        case -8: return (0xabcc77118461cefc, 0xfdc20d2b36ba7c3e)
        case -7: return (0xd6bf94d5e57a42bc, 0x3d32907604691b4d)
        case -6: return (0x8637bd05af6c69b5, 0xa63f9a49c2c1b110)
        case -5: return (0xa7c5ac471b478423, 0x0fcf80dc33721d54)
        case -4: return (0xd1b71758e219652b, 0xd3c36113404ea4a9)
        case -3: return (0x83126e978d4fdf3b, 0x645a1cac083126ea)
        case -2: return (0xa3d70a3d70a3d70a, 0x3d70a3d70a3d70a4)
        case -1: return (0xcccccccccccccccc, 0xcccccccccccccccd)
        case 0: return (0x8000000000000000, 0x0000000000000000)
        case 1: return (0xa000000000000000, 0x0000000000000000)
        case 2: return (0xc800000000000000, 0x0000000000000000)
        case 3: return (0xfa00000000000000, 0x0000000000000000)
        case 4: return (0x9c40000000000000, 0x0000000000000000)
        case 5: return (0xc350000000000000, 0x0000000000000000)
        case 6: return (0xf424000000000000, 0x0000000000000000)
        case 7: return (0x9896800000000000, 0x0000000000000000)
        case 8: return (0xbebc200000000000, 0x0000000000000000)
        case 9: return (0xee6b280000000000, 0x0000000000000000)
        case 10: return (0x9502f90000000000, 0x0000000000000000)
        case 11: return (0xba43b74000000000, 0x0000000000000000)
        case 12: return (0xe8d4a51000000000, 0x0000000000000000)
        case 13: return (0x9184e72a00000000, 0x0000000000000000)
        case 14: return (0xb5e620f480000000, 0x0000000000000000)
        case 15: return (0xe35fa931a0000000, 0x0000000000000000)
        case 16: return (0x8e1bc9bf04000000, 0x0000000000000000)
        case 17: return (0xb1a2bc2ec5000000, 0x0000000000000000)
        case 18: return (0xde0b6b3a76400000, 0x0000000000000000)
        case 19: return (0x8ac7230489e80000, 0x0000000000000000)
        case 20: return (0xad78ebc5ac620000, 0x0000000000000000)
        case 21: return (0xd8d726b7177a8000, 0x0000000000000000)
        case 22: return (0x878678326eac9000, 0x0000000000000000)
        case 23: return (0xa968163f0a57b400, 0x0000000000000000)
        case 24: return (0xd3c21bcecceda100, 0x0000000000000000)
        case 25: return (0x84595161401484a0, 0x0000000000000000)
        case 26: return (0xa56fa5b99019a5c8, 0x0000000000000000)
        case 27: return (0xcecb8f27f4200f3a, 0x0000000000000000)
        default: preconditionFailure("10^\(q) outside Eisel–Lemire's table")
        }
    }

    /// The double nearest `mantissa × 10^power` (ties to even), `mantissa` nonzero and `power`
    /// within `lemirePowerRange`: the Eisel–Lemire algorithm as fast_float's `compute_float`.
    /// With at most 19 digits and |power| ≤ 27 the truncated 128-bit power always suffices
    /// (fast_float gives up only beyond 10^−27 … 10^55), and the results stay normal and finite.
    @inlinable @inline(__always)
    static func eiselLemire(_ mantissa: UInt64, _ power: Int) -> Double {
        let leadingZeros = mantissa.leadingZeroBitCount
        let w = mantissa << UInt64(leadingZeros)
        let (fiveHigh, fiveLow) = lemirePowerOfFive(power)
        var (high, low) = w.multipliedFullWidth(by: fiveHigh)
        // 52 explicit bits + 3: when the bits below them are all ones the low word may carry in.
        let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
        if high & precisionMask == precisionMask {
            let second = w.multipliedFullWidth(by: fiveLow).high
            low &+= second
            if second > low { high &+= 1 }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var significand = high >> shift
        // ⌊log2(10^power)⌋ + 63 (fast_float's `power`), then the IEEE bias (1023).
        var exponent = (((152_170 + 65_536) * power) >> 16) + 63 + upperBit - leadingZeros + 1023
        // An exact tie (10^power an integer small enough, nothing below): round to even.
        if low <= 1, power >= -4, power <= 23, significand & 3 == 1, significand << shift == high {
            significand &= ~1
        }
        significand += significand & 1
        significand >>= 1
        if significand >= UInt64(2) << 52 {
            significand = UInt64(1) << 52
            exponent += 1
        }
        significand &= ~(UInt64(1) << 52)
        return Double(bitPattern: UInt64(exponent) << 52 | significand)
    }

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
