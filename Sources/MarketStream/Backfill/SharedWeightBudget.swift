import Synchronization

/// The REST request-weight budget (Binance: 6000 per minute per IP) shared by the backfills of
/// every connection of one process. Gap fills wait for room (`reserve` says how long); catch-ups
/// after a reconnection, which only make heartbeats resume sooner, take weight only while more
/// than `keptForGaps` is left (`tryReserve`), so they are what is given up first when thousands
/// of symbols come back at once.
package final class SharedWeightBudget: Sendable {
    private let budget: Mutex<WeightBudget>
    package let perWindow: Int
    /// Weight a catch-up leaves untouched for gap fills.
    package var keptForGaps: Int { perWindow / 2 }

    /// The window is Binance's minute plus 2 s: a request is booked here when it is sent and
    /// counted there when it arrives, so a request sent just as an old one leaves our window could
    /// still find the old one in Binance's.
    package static let defaultWindowMilliseconds: Int64 = 62_000

    package init(perWindow: Int = 6000, windowMilliseconds: Int64 = defaultWindowMilliseconds) {
        self.perWindow = perWindow
        budget = Mutex(WeightBudget(perWindow: perWindow, windowMilliseconds: windowMilliseconds))
    }

    /// 0 when `weight` was spent now, else how long to wait before asking again.
    package func reserve(now: Int64, weight: Int) -> Int64 {
        budget.withLock { b in
            let wait = b.delay(now: now, weight: weight)
            if wait == 0 { b.spend(now: now, weight: weight) }
            return wait
        }
    }

    /// Spends `weight` only if `keptForGaps` stays free afterwards; never waits.
    package func tryReserve(now: Int64, weight: Int) -> Bool {
        budget.withLock { b in
            guard b.delay(now: now, weight: weight + keptForGaps) == 0 else { return false }
            b.spend(now: now, weight: weight)
            return true
        }
    }
}
