/// The original project's per-second trade counts (`trade_rate*.csv`: `event_time,trades_per_sec`),
/// read for the window-size study. `event_time` is epoch seconds with a fraction, stamped when the
/// original's loop wrote the row, so rows are roughly but not exactly one second apart.
public struct TradeRateSeries: Sendable {
    public var eventTime: [Double] = []
    public var tradesPerSecond: [Double] = []
    public init() {}
    public var count: Int { eventTime.count }

    public mutating func append(contentsOf other: TradeRateSeries) {
        eventTime += other.eventTime
        tradesPerSecond += other.tradesPerSecond
    }

    /// Rows in time order (stable), as several files are read as one series.
    public mutating func sortByTime() {
        var sorted = true
        for i in 1..<max(count, 1) where eventTime[i] < eventTime[i - 1] { sorted = false; break }
        guard !sorted else { return }
        let order = Array(0..<count).sorted { eventTime[$0] != eventTime[$1] ? eventTime[$0] < eventTime[$1] : $0 < $1 }
        eventTime = order.map { eventTime[$0] }
        tradesPerSecond = order.map { tradesPerSecond[$0] }
    }
}
