import BNCCore
import BNCWire

/// Paces output by exchange time: the line stamped `t` is due `(t − t₀) / speed` after the
/// first line was, on the monotonic clock. Every deadline is computed from the start, not from
/// the previous line, so sleeping late once never accumulates drift; an exchange time earlier than
/// one already seen is due at once (time never runs backwards).
package struct Pacer: Sendable {
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
        let micros = Self.microseconds(exchangeTime)
        guard let origin = originExchangeMicros else {
            originExchangeMicros = micros
            originWallNanos = MonotonicClock.nowNanoseconds()
            latestMicros = micros
            return !SignalTrap.stopRequested
        }
        if micros > latestMicros { latestMicros = micros }
        let offsetNanos = Double(latestMicros - origin) * 1000 / speed
        guard offsetNanos > 0 else { return !SignalTrap.stopRequested }
        let deadline = originWallNanos &+ UInt64(min(offsetNanos, 9e18))
        return Self.sleep(untilMonotonicNanos: deadline)
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
