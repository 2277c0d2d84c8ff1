#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal text (`"67012.34000000"`, `-1.5e-3`) to numbers straight from bytes, without building
/// a `String`. Doubles are correctly rounded: the common case (≤ 19 significant digits that fit
/// in 2^53, power of ten ≤ 22) is exact by Clinger's fast path, everything else goes to `strtod`,
/// which glibc rounds correctly.
public enum DecimalParser {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses `-?digits(.digits)?([eE][+-]?digits)?`; nil for anything else (empty, `nan`, `inf`,
    /// hex, stray characters).
    @inlinable
    public static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        double(bytes, bytes.indices)
    }

    public static func double(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double? {
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
        return slowPath(bytes, range)
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
