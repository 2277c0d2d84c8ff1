import BNCCore

/// One-pass reading of CSV fields straight from the mapped bytes, for the reader's fast row path
/// (`ResultReader`): timestamps at fixed offsets, field ends; numbers are read and delimited in
/// one scan by `DecimalParser.leadingDouble`, so a field is never looked at twice and no `String`
/// is built.
enum FieldScanner {
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
            let year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            guard UTCTime.isValidDate(year: year, month: month, day: day) else { return nil }
            cache = DateCache(head: head, tail: tail, days: UTCTime.days(fromCivil: year, month, day), valid: true)
        }
        let h0 = digit(11), h1 = digit(12), n0 = digit(14), n1 = digit(15), s0 = digit(17), s1 = digit(18)
        let f0 = digit(20), f1 = digit(21), f2 = digit(22)
        guard h0 < 10, h1 < 10, n0 < 10, n1 < 10, s0 < 10, s1 < 10, f0 < 10, f1 < 10, f2 < 10,
              p[s + 13] == UInt8(ascii: ":"), p[s + 16] == UInt8(ascii: ":"), p[s + 19] == UInt8(ascii: "."),
              p[s + 23] == UInt8(ascii: "Z") else { return nil }
        let hour = h0 * 10 + h1, minute = n0 * 10 + n1, second = s0 * 10 + s1
        guard UTCTime.isValidTime(hour: hour, minute: minute, second: second) else { return nil }
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
}
