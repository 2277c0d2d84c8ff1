import Testing
@testable import MarketHistory

/// Issue 11: a replayed `T` jumping to the year 2100 made the pacer sleep for 75 years.
@Suite("Pacer: bounded waits")
struct PacerTests {
    static let t0: Int64 = 1_723_161_255_000          // 2024-08-09, ms
    static let year2100: Int64 = 4_102_444_800_000    // 2100-01-01, ms

    @Test("a T in the year 2100 is not waited for, and the lines after it are paced again")
    func replayPacerDoesNotSleepForYearsOnATimeJump() {
        var pacer = Pacer(speed: 1)
        #expect(pacer.deadline(forExchangeTime: Self.t0, now: 0) == nil)                  // anchor
        #expect(pacer.deadline(forExchangeTime: Self.t0 + 1000, now: 10) == 1_000_000_000)
        #expect(pacer.deadline(forExchangeTime: Self.year2100, now: 2_000_000_000) == nil)  // glitch: at once
        #expect(pacer.deadline(forExchangeTime: Self.t0 + 2000, now: 3_000_000_000) == nil) // back: re-anchored
        #expect(pacer.deadline(forExchangeTime: Self.t0 + 2500, now: 3_100_000_000) == 3_500_000_000)
    }

    @Test("steps up to an hour are waited for; microsecond times are paced like milliseconds")
    func pausesUpToAnHourAreKept() {
        var pacer = Pacer(speed: 10)
        _ = pacer.deadline(forExchangeTime: Self.t0, now: 0)
        // 1 h of exchange time at speed 10: due 6 minutes later.
        #expect(pacer.deadline(forExchangeTime: Self.t0 + 3_600_000, now: 1) == 360_000_000_000)
        // Microseconds (≥ 10^14) are the same instant.
        #expect(pacer.deadline(forExchangeTime: (Self.t0 + 3_600_000) * 1000, now: 2) == 360_000_000_000)
        // An hour and a millisecond past the latest: not waited for.
        #expect(pacer.deadline(forExchangeTime: Self.t0 + 7_200_001, now: 3) == nil)
    }

    @Test("speed 0 never waits")
    func speedZeroNeverWaits() {
        var pacer = Pacer(speed: 0)
        #expect(pacer.deadline(forExchangeTime: Self.t0, now: 0) == nil)
        #expect(pacer.deadline(forExchangeTime: Self.t0 + 60_000, now: 0) == nil)
    }
}
