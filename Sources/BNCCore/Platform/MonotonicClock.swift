/// The package's one clock. Milliseconds and nanoseconds on the monotonic clock, so timeouts,
/// backoff, rollover and replay pacing never follow wall-clock jumps; and the wall clock in epoch
/// milliseconds, for the few places that name the current date (labels, summary blocks, `now`).
package enum MonotonicClock {
    /// Monotonic milliseconds since an arbitrary origin; only differences mean anything.
    package static func nowMilliseconds() -> Int64 {
        let ts = read(CLOCK_MONOTONIC)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Monotonic nanoseconds since an arbitrary origin; only differences mean anything.
    package static func nowNanoseconds() -> UInt64 {
        let ts = read(CLOCK_MONOTONIC)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Wall-clock milliseconds since the Unix epoch (not monotonic: it can jump back).
    package static func wallClockMilliseconds() -> Int64 {
        let ts = read(CLOCK_REALTIME)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Sleeps up to `milliseconds`, in slices of at most 100 ms, returning early (false) as soon
    /// as `stop` says so (usually `SignalTrap.stopRequested`); true when the time has passed.
    package static func sleep(milliseconds: Int64, stop: () -> Bool) -> Bool {
        let deadline = nowMilliseconds() + milliseconds
        while true {
            if stop() { return false }
            let left = deadline - nowMilliseconds()
            if left <= 0 { return true }
            let slice = min(left, 100)
            var ts = timespec(tv_sec: 0, tv_nsec: Int(slice) * 1_000_000)
            nanosleep(&ts, nil)
        }
    }

    @inline(__always)
    private static func read(_ clock: clockid_t) -> timespec {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return ts
    }
}
