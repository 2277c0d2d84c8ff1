/// Eight-digits-at-a-time (SWAR) helpers for the byte parsers on hot paths (`DecimalParser`,
/// the trade-line scanner): one 64-bit load replaces eight byte compares and multiplies.
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

    /// Reads a run of ASCII digits starting at `start`, stopping before `end`: returns the index
    /// after the run, and its value when the run has at most 19 digits (nil when longer). Reads
    /// whole words only while eight bytes remain before `limit` (≥ `end`, the readable bound).
    @inlinable @inline(__always)
    public static func scanDigits(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, limit: Int) -> (Int, UInt64?) {
        var i = start
        var value: UInt64 = 0
        while i + 8 <= limit {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            var k = leadingDigitCount(w)
            if i + k > end { k = end - i }
            if k > 0 { value = value &* powerOfTen(k) &+ Self.value(w, digits: k) }
            i += k
            if k < 8 || i - start > 16 { break }
        }
        if i + 8 > limit || (i - start > 16 && i < end) {
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                value = value &* 10 &+ UInt64(d)
                i += 1
            }
        }
        return (i, i - start <= 19 ? value : nil)
    }
}
