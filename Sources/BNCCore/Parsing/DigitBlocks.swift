/// Eight-digits-at-a-time (SWAR) helpers for the byte parsers on hot paths (`DecimalParser`,
/// BNCWire's trade-line scanners, whose integers all go through `scanDigits`): one 64-bit load
/// replaces eight byte compares and multiplies.
/// Words are loaded little-endian, so the first character sits in the lowest byte.
public enum DigitBlocks {
    /// High bit set in every byte of `w` that is not an ASCII digit. Exact up to and including the
    /// lowest such byte (a carry may disturb the bytes above it), which is all callers use.
    @inlinable @inline(__always)
    public static func nonDigitMask(_ w: UInt64) -> UInt64 {
        let nibble: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let threes: UInt64 = 0x3030_3030_3030_3030
        let x = ((w & nibble) ^ threes) | (((w &+ 0x0606_0606_0606_0606) & nibble) ^ threes)
        return (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    /// Number of leading ASCII digits in `w` (0…8).
    @inlinable @inline(__always)
    public static func leadingDigitCount(_ w: UInt64) -> Int { nonDigitMask(w).trailingZeroBitCount >> 3 }

    /// The value of the first `count` (1…8) digits of `w`.
    @inlinable @inline(__always)
    public static func value(_ w: UInt64, digits count: Int) -> UInt64 {
        // Shift the digits to the top: the vacated low bytes read as leading zeros.
        var v = (w & 0x0F0F_0F0F_0F0F_0F0F) << UInt64((8 - count) * 8)
        v = (v &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// 10^k for k in 0…8.
    @inlinable @inline(__always)
    public static func powerOfTen(_ k: Int) -> UInt64 {
        switch k {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1_000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        default: return 100_000_000
        }
    }

    /// Reads the run of ASCII digits at `start`, stopping before `end`: eight at a time while
    /// eight bytes remain, then byte by byte. Returns the index after the run and its value, exact
    /// for up to 19 digits (callers check the length); nil when the run exceeds 16 digits within
    /// whole words, which no integer a caller accepts has. Shaped so that the common case — a
    /// run ending inside the first or second word — leaves the loop at once.
    @inlinable @inline(__always)
    public static func scanDigits(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, UInt64)? {
        var i = start
        var value: UInt64 = 0
        while i + 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let k = leadingDigitCount(w)
            if k == 8 {
                value = value &* 100_000_000 &+ Self.value(w, digits: 8)
                i += 8
                if i - start > 16 { return nil }
                continue
            }
            if k > 0 {
                value = value &* powerOfTen(k) &+ Self.value(w, digits: k)
                i += k
            }
            return (i, value)
        }
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            value = value &* 10 &+ UInt64(d)
            i += 1
        }
        return (i, value)
    }

    /// Calls `body` with the decimal digits of `value` (no sign), most significant first, from
    /// a stack scratch: the integer writers (trade lines, scored results) share it and allocate
    /// nothing.
    @inlinable @inline(__always)
    public static func withDigits<R>(of value: UInt64, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes, enough for 20 digits
        return withUnsafeMutableBytes(of: &scratch) { out in
            var v = value
            var n = out.count
            repeat {
                n -= 1
                out[n] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            } while v != 0
            return body(UnsafeRawBufferPointer(rebasing: out[n...]))
        }
    }
}
