import BNCCore

/// Timestamps straight from bytes, without building a `String`: ISO 8601
/// `YYYY-MM-DDTHH:MM:SS(.fff)?Z?` (ours) and `YYYY-MM-DD HH:MM:SS` (the original's wall clock).
/// Both come back as epoch milliseconds with the fields read as UTC. A date or time that does
/// not exist (`2024-02-30`, `12:30:60`) is nil, never rolled over into the next day or minute.
package enum TimestampParser {
    package static func milliseconds(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
        let s = range.lowerBound, n = range.count
        guard n >= 19 else { return nil }
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            var v = 0
            for k in 0..<count {
                let d = b[s + at + k] &- 48
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let year = digits(0, 4), b[s + 4] == 45, let month = digits(5, 2), b[s + 7] == 45,
              let day = digits(8, 2), b[s + 10] == 84 || b[s + 10] == 32,
              let hour = digits(11, 2), b[s + 13] == 58, let minute = digits(14, 2), b[s + 16] == 58,
              let second = digits(17, 2),
              UTCTime.isValidDate(year: year, month: month, day: day),
              UTCTime.isValidTime(hour: hour, minute: minute, second: second)
        else { return nil }
        var i = 19
        var millis = 0
        if i < n, b[s + i] == 46 {
            i += 1
            var taken = 0
            while i < n, b[s + i] &- 48 < 10 {
                if taken < 3 { millis = millis * 10 + Int(b[s + i] &- 48); taken += 1 }
                i += 1
            }
            guard taken > 0 else { return nil }
            while taken < 3 { millis *= 10; taken += 1 }
        }
        if i < n, b[s + i] == 90 { i += 1 }
        guard i == n else { return nil }
        let days = UTCTime.days(fromCivil: year, month, day)
        return days * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + millis)
    }
}
