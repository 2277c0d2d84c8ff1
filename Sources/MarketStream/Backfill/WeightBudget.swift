/// Binance's REST request weight limit (6000 per minute per IP), kept on our side so backfill
/// never earns a 429 by itself: `delay` says how long to wait before spending `weight` more.
package struct WeightBudget: Sendable {
    package var perWindow: Int
    package var windowMilliseconds: Int64
    private var spent: [(at: Int64, weight: Int)] = []

    package init(perWindow: Int = 6000, windowMilliseconds: Int64 = 60_000) {
        self.perWindow = perWindow
        self.windowMilliseconds = windowMilliseconds
    }

    package mutating func delay(now: Int64, weight: Int) -> Int64 {
        spent.removeAll { $0.at <= now - windowMilliseconds }
        var used = spent.reduce(0) { $0 + $1.weight }
        guard used + weight > perWindow else { return 0 }
        // Wait until enough old spending leaves the window.
        for entry in spent {
            used -= entry.weight
            if used + weight <= perWindow { return entry.at + windowMilliseconds - now }
        }
        return windowMilliseconds
    }

    package mutating func spend(now: Int64, weight: Int) { spent.append((now, weight)) }
}
