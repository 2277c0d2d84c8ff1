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

    package init(perWindow: Int = 6000, windowMilliseconds: Int64 = 60_000) {
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
