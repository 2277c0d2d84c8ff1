import Synchronization

/// Binance's connection limit (300 connection attempts per 5 minutes per IP) shared by every
/// connection of one process: each `LiveFeed` asks before it opens a connection (first, reconnect
/// or rollover), and the check and the booking happen under one lock, so feeds on several threads
/// never open more than `limit` in any window between them.
package final class ConnectionGate: Sendable {
    private let limiter: Mutex<ConnectionRateLimiter>
    package let limit: Int
    package let windowMilliseconds: Int64

    package init(limit: Int = 300, windowMilliseconds: Int64 = 300_000) {
        self.limit = limit
        self.windowMilliseconds = windowMilliseconds
        limiter = Mutex(ConnectionRateLimiter(limit: limit, windowMilliseconds: windowMilliseconds))
    }

    /// 0 when an attempt may start now (and it is booked), else how long to wait first.
    package func reserve(now: Int64) -> Int64 {
        limiter.withLock { limiter in
            let wait = limiter.delay(now: now)
            if wait == 0 { limiter.record(now: now) }
            return wait
        }
    }

    /// Attempts booked in the current window.
    package func recentAttempts(now: Int64) -> Int {
        limiter.withLock { limiter in _ = limiter.delay(now: now); return limiter.recentAttempts }
    }
}
