/// The receive lag (local wall clock at receipt − the exchange's event time `E`) of the most
/// recent trades, for the quantiles of `bnc_stream_lag_seconds`: the trades received in the last
/// `horizonMilliseconds`, at most the last `capacity` of them (at 600 k trades/s that is the last
/// few milliseconds — still the current lag). Exact quantiles over a sorted copy at render time,
/// every few seconds; adding a sample is two stores.
package struct RecentLags: Sendable {
    package static let capacity = 4096
    package static let horizonMilliseconds: Int64 = 60_000

    private var receivedAt = [Int64](repeating: 0, count: capacity)
    private var lag = [Int64](repeating: 0, count: capacity)
    private var next = 0
    private var filled = 0
    /// Over the whole run, for the summary's `_sum` and `_count`.
    package private(set) var totalMilliseconds: Double = 0
    package private(set) var count: Int64 = 0

    package init() {}

    package mutating func add(lagMilliseconds: Int64, at now: Int64) {
        receivedAt[next] = now
        lag[next] = lagMilliseconds
        next = next + 1 == Self.capacity ? 0 : next + 1
        if filled < Self.capacity { filled += 1 }
        totalMilliseconds += Double(lagMilliseconds)
        count += 1
    }

    /// Adds `other`'s samples (the most recent `capacity` of both kept) and totals: several
    /// connections' lags as one.
    package mutating func merge(_ other: RecentLags) {
        var samples: [(at: Int64, lag: Int64)] = []
        samples.reserveCapacity(filled + other.filled)
        for i in 0..<filled { samples.append((receivedAt[i], lag[i])) }
        for i in 0..<other.filled { samples.append((other.receivedAt[i], other.lag[i])) }
        samples.sort { $0.at < $1.at }
        let total = totalMilliseconds + other.totalMilliseconds, n = count + other.count
        next = 0
        filled = 0
        for s in samples.suffix(Self.capacity) { add(lagMilliseconds: s.lag, at: s.at) }
        totalMilliseconds = total
        count = n
    }

    /// The `q` quantiles (0…1, nearest rank) in milliseconds of the lags received since
    /// `now − horizonMilliseconds`; nil when there were none.
    package func quantiles(_ qs: [Double], now: Int64) -> [Int64]? {
        var recent: [Int64] = []
        recent.reserveCapacity(filled)
        for i in 0..<filled where receivedAt[i] >= now - Self.horizonMilliseconds { recent.append(lag[i]) }
        guard !recent.isEmpty else { return nil }
        recent.sort()
        return qs.map { q in
            let rank = Int((q * Double(recent.count)).rounded(.up))
            return recent[min(recent.count - 1, max(0, rank - 1))]
        }
    }
}
