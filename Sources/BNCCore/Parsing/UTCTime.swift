/// Epoch-millisecond timestamps to and from the UTC calendar, without Foundation's formatters
/// (which allocate and are slow) and without the local time zone (the tools never use it).
/// Civil-date arithmetic after Howard Hinnant's `days_from_civil` / `civil_from_days`.
package struct UTCTime: Sendable, Hashable, Comparable {
    package var year: Int, month: Int, day: Int
    package var hour: Int, minute: Int, second: Int, millisecond: Int

    package init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second; self.millisecond = millisecond
    }

    package init(epochMilliseconds ms: Int64) {
        let msPerDay: Int64 = 86_400_000
        var days = ms / msPerDay
        var rem = ms % msPerDay
        if rem < 0 { rem += msPerDay; days -= 1 }
        let (y, m, d) = UTCTime.civil(fromDays: days)
        year = y; month = m; day = d
        hour = Int(rem / 3_600_000)
        minute = Int(rem / 60_000 % 60)
        second = Int(rem / 1000 % 60)
        millisecond = Int(rem % 1000)
    }

    package var epochMilliseconds: Int64 {
        let days = UTCTime.days(fromCivil: year, month, day)
        return days * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000
            + Int64(second) * 1000 + Int64(millisecond)
    }

    package static func < (a: UTCTime, b: UTCTime) -> Bool { a.epochMilliseconds < b.epochMilliseconds }

    /// `2026-02-28T16:01:20.000Z` (DESIGN.md §3).
    package var iso8601: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// `2026-02-28`, for daily file names.
    package var dateString: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    /// Parses `YYYY-MM-DDTHH:MM:SS(.fff)?Z?` or `YYYY-MM-DD HH:MM:SS(.fff)?` or `YYYY-MM-DD`
    /// (the last two are how the original project and users write times). No zone: read as UTC.
    package init?(parsing text: Substring) {
        let b = Array(text.utf8)
        func num(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for k in at..<(at + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard b.count >= 10, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              UTCTime.isValidDate(year: y, month: mo, day: d)
        else { return nil }
        self.init(year: y, month: mo, day: d)
        if b.count == 10 { return }
        guard b.count >= 19, b[10] == 84 || b[10] == 32, let h = num(11, 2), b[13] == 58, let mi = num(14, 2),
              b[16] == 58, let s = num(17, 2), UTCTime.isValidTime(hour: h, minute: mi, second: s)
        else { return nil }
        hour = h; minute = mi; second = s
        var i = 19
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0, frac = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { frac = frac * 10 + Int(b[i] - 48); digits += 1 }
                i += 1
            }
            guard digits > 0 else { return nil }
            while digits < 3 { frac *= 10; digits += 1 }
            millisecond = frac
        }
        if i < b.count, b[i] == 90 { i += 1 }
        guard i == b.count else { return nil }
    }

    /// Whether `year-month-day` is a day of the proleptic Gregorian calendar: `2024-02-30` and
    /// `2023-02-29` are not (`days(fromCivil:)` would silently roll them into March).
    @inline(__always)
    package static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    /// 28–31; `month` must be 1–12.
    @inline(__always)
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether `hour:minute:second` is a time of a UTC day: second 60 only as the leap second
    /// 23:59:60 (read as the next day's 00:00:00); anything else that would roll over is not.
    @inline(__always)
    package static func isValidTime(hour: Int, minute: Int, second: Int) -> Bool {
        hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0
            && (second < 60 || (second == 60 && hour == 23 && minute == 59))
    }

    package static func days(fromCivil y: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y - 1 : y)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}

@inline(__always) private func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
