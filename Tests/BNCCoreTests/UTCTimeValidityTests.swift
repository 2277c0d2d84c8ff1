import Testing
import BNCCore

/// Dates and times that do not exist are refused, never rolled over (issue 11: `2024-02-30`
/// became March 1 in bnc-stats and in `bnc-stream simulate --start`).
@Suite("UTCTime: impossible dates")
struct UTCTimeValidityTests {
    @Test("2024-02-30 and other impossible dates do not parse; real ones still do")
    func impossibleDateDoesNotRollOver() {
        for text in ["2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
                     "2024-02-30T00:00:00Z", "2024-02-30 12:00:00", "2024-00-10", "2024-13-01", "2024-01-00", "2024-01-32"] {
            #expect(UTCTime(parsing: Substring(text)) == nil, "\(text)")
        }
        #expect(UTCTime(parsing: "2024-02-29") == UTCTime(year: 2024, month: 2, day: 29))
        #expect(UTCTime(parsing: "2000-02-29")?.epochMilliseconds == 951_782_400_000)
        #expect(UTCTime(parsing: "2024-12-31T23:59:59.999Z") != nil)
        #expect(UTCTime(parsing: "2024-04-30") != nil)
    }

    @Test("second 60 only as the leap second 23:59:60")
    func secondSixtyOnlyAsLeapSecond() {
        #expect(UTCTime(parsing: "2024-03-01T12:30:60Z") == nil)
        #expect(UTCTime(parsing: "2016-12-31T23:59:60Z")?.epochMilliseconds == UTCTime(year: 2017, month: 1, day: 1).epochMilliseconds)
    }

    @Test("days in month, proleptic Gregorian")
    func daysInMonth() {
        #expect(UTCTime.daysInMonth(year: 2024, month: 2) == 29)
        #expect(UTCTime.daysInMonth(year: 2100, month: 2) == 28)
        #expect(UTCTime.daysInMonth(year: 2000, month: 2) == 29)
        #expect(UTCTime.daysInMonth(year: 0, month: 2) == 29)
        #expect((1...12).map { UTCTime.daysInMonth(year: 2023, month: $0) }.reduce(0, +) == 365)
        #expect(UTCTime.isValidTime(hour: 23, minute: 59, second: 60))
        #expect(!UTCTime.isValidTime(hour: 24, minute: 0, second: 0))
    }
}
