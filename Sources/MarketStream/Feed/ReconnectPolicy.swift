/// Exponential backoff with full jitter (delay uniform in [0, min(max, initial·2^attempt)]), reset
/// once a connection has lived `resetAfter`, so a feed that worked for a while reconnects at once
/// while a server that keeps failing is not stormed.
package struct ReconnectPolicy: Sendable {
    package var initialMilliseconds: Int64
    package var maxMilliseconds: Int64
    package var resetAfterMilliseconds: Int64
    package private(set) var attempt = 0

    package init(initialMilliseconds: Int64 = 1000, maxMilliseconds: Int64 = 60_000, resetAfterMilliseconds: Int64 = 60_000) {
        self.initialMilliseconds = initialMilliseconds
        self.maxMilliseconds = max(maxMilliseconds, initialMilliseconds)
        self.resetAfterMilliseconds = resetAfterMilliseconds
    }

    /// The ceiling for the next delay (before jitter).
    package var currentCeiling: Int64 {
        var ceiling = initialMilliseconds
        var i = 0
        while i < attempt && ceiling < maxMilliseconds { ceiling *= 2; i += 1 }
        return min(ceiling, maxMilliseconds)
    }

    /// The delay before the next attempt; advances the exponent.
    package mutating func nextDelay<R: RandomNumberGenerator>(using rng: inout R) -> Int64 {
        let ceiling = currentCeiling
        attempt += 1
        return ceiling <= 0 ? 0 : Int64.random(in: 0...ceiling, using: &rng)
    }

    package mutating func nextDelay() -> Int64 {
        var rng = SystemRandomNumberGenerator()
        return nextDelay(using: &rng)
    }

    /// Tells the policy a connection that was up for `milliseconds` ended.
    package mutating func connectionEnded(afterLiving milliseconds: Int64) {
        if milliseconds >= resetAfterMilliseconds { attempt = 0 }
    }
}

/// At most `limit` connection attempts per sliding `windowMilliseconds` (Binance: 300 per 5 minutes
/// per IP); `delay(now:)` says how long to wait before the next one is allowed.
package struct ConnectionRateLimiter: Sendable {
    package var limit: Int
    package var windowMilliseconds: Int64
    private var attempts: [Int64] = []

    package init(limit: Int = 300, windowMilliseconds: Int64 = 300_000) {
        self.limit = limit
        self.windowMilliseconds = windowMilliseconds
    }

    package mutating func delay(now: Int64) -> Int64 {
        attempts.removeAll { $0 <= now - windowMilliseconds }
        guard attempts.count >= limit else { return 0 }
        return attempts[attempts.count - limit] + windowMilliseconds - now
    }

    package mutating func record(now: Int64) { attempts.append(now) }

    package var recentAttempts: Int { attempts.count }
}
