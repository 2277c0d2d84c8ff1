import BNCCore
import BNCWire

/// Paces output by exchange time: the line stamped `t` is due `(t − t₀) / speed` after the
/// first line was, on the monotonic clock. Every deadline is computed from the start, not from
/// the previous line, so sleeping late once never accumulates drift; an exchange time earlier than
/// one already seen is due at once (time never runs backwards).
///
/// A jump of more than `maxJumpMicroseconds` (one hour of exchange time) forward past the latest
/// time seen, or back below it, is not waited for: the timeline is re-anchored at that line, which
/// is due at once, and the lines after it are paced from there. So a stray `T` in the year 2100
/// costs no sleep (and the lines after it, back on the old timeline, are paced again instead of
/// all being "late"), and a recording that resumes after an hours-long outage, or two recordings
/// concatenated, go on at once rather than sleeping through the silence.
package struct Pacer: Sendable {
    /// Largest step in exchange time that is waited for (1 hour).
    package static let maxJumpMicroseconds: Int64 = 3_600_000_000

    /// 1 = real time, 10 = ten times faster, 0 = no pacing at all.
    package let speed: Double
    private var originExchangeMicros: Int64?
    private var originWallNanos: UInt64 = 0
    private var latestMicros: Int64 = .min

    package init(speed: Double) {
        precondition(speed >= 0 && speed.isFinite)
        self.speed = speed
    }

    /// Whether `wait` ever sleeps.
    package var isPacing: Bool { speed > 0 }

    /// Epoch milliseconds or microseconds (≥ 10^14, DESIGN.md §1) as microseconds.
    @inline(__always)
    package static func microseconds(_ exchangeTime: Int64) -> Int64 {
        exchangeTime >= WireLimits.microsecondThreshold ? exchangeTime : exchangeTime &* 1000
    }

    /// Sleeps until the line with exchange time `exchangeTime` (ms or µs) is due.
    /// Returns false if SIGINT/SIGTERM arrived (the caller stops), true otherwise.
    package mutating func wait(untilExchangeTime exchangeTime: Int64) -> Bool {
        guard speed > 0 else { return !SignalTrap.stopRequested }
        guard let deadline = deadline(forExchangeTime: exchangeTime, now: MonotonicClock.nowNanoseconds()) else {
            return !SignalTrap.stopRequested
        }
        return Self.sleep(untilMonotonicNanos: deadline)
    }

    /// The monotonic instant (ns) the line with `exchangeTime` is due, nil for at once; `now` is
    /// the clock's reading, used when the timeline is (re-)anchored. Advances the pacer's state.
    package mutating func deadline(forExchangeTime exchangeTime: Int64, now: UInt64) -> UInt64? {
        guard speed > 0 else { return nil }
        let micros = Self.microseconds(exchangeTime)
        guard let origin = originExchangeMicros,
              micros <= latestMicros || micros - latestMicros <= Self.maxJumpMicroseconds,
              micros >= latestMicros || latestMicros - micros <= Self.maxJumpMicroseconds
        else {
            // First line, or a jump too far to wait for: anchor the timeline here.
            originExchangeMicros = micros
            originWallNanos = now
            latestMicros = micros
            return nil
        }
        if micros > latestMicros { latestMicros = micros }
        let offsetNanos = Double(latestMicros - origin) * 1000 / speed
        guard offsetNanos > 0 else { return nil }
        return originWallNanos &+ UInt64(min(offsetNanos, 9e18))
    }

    /// Sleeps until the monotonic clock reads `deadline`; false if a stop signal cut it short.
    package static func sleep(untilMonotonicNanos deadline: UInt64) -> Bool {
        while true {
            if SignalTrap.stopRequested { return false }
            let now = MonotonicClock.nowNanoseconds()
            if now >= deadline { return true }
            #if os(Linux)
            var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            let rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil)
            if rc != 0 && rc != EINTR { return true }
            #else
            let remaining = deadline - now
            var ts = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            _ = nanosleep(&ts, nil)
            #endif
        }
    }
}
