/// The original project's per-second trade counts (`trade_rate*.csv`: `event_time,trades_per_sec`),
/// read for the window-size study. `event_time` is epoch seconds with a fraction, stamped when the
/// original's loop wrote the row, so rows are roughly but not exactly one second apart.
package struct TradeRateSeries: Sendable {
    package var eventTime: [Double] = []
    package var tradesPerSecond: [Double] = []
    package init() {}
    package var count: Int { eventTime.count }

    package mutating func append(contentsOf other: TradeRateSeries) {
        eventTime += other.eventTime
        tradesPerSecond += other.tradesPerSecond
    }

    /// Rows in time order (stable), as several files are read as one series.
    package mutating func sortByTime() {
        var sorted = true
        for i in 1..<max(count, 1) where eventTime[i] < eventTime[i - 1] { sorted = false; break }
        guard !sorted else { return }
        let order = Array(0..<count).sorted { eventTime[$0] != eventTime[$1] ? eventTime[$0] < eventTime[$1] : $0 < $1 }
        eventTime = order.map { eventTime[$0] }
        tradesPerSecond = order.map { tradesPerSecond[$0] }
    }
}
