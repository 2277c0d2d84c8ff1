import BNCCore

/// Milliseconds on the monotonic clock: timeouts, backoff and rollover never follow wall-clock jumps.
public enum MonotonicClock {
    public static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Sleeps up to `milliseconds`, in slices, returning early (false) once `SignalTrap` asks to stop.
    public static func sleep(milliseconds: Int64, stop: () -> Bool) -> Bool {
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
}
