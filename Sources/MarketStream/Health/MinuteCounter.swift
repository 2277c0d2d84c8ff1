/// Events in the last 60 s, in one-second buckets: what `bnc_stream_trades_last_minute` reports,
/// so `collector.sh status` can say "trades in the last minute" from one read of the metrics file
/// (a counter would need two reads a minute apart).
package struct MinuteCounter: Sendable {
    private var counts = [Int64](repeating: 0, count: 60)
    private var seconds = [Int64](repeating: -1, count: 60)

    package init() {}

    package mutating func add(_ n: Int64 = 1, atMilliseconds now: Int64) {
        let second = now / 1000
        let slot = Int(second % 60)
        if seconds[slot] != second {
            seconds[slot] = second
            counts[slot] = 0
        }
        counts[slot] += n
    }

    /// The events of the 60 one-second buckets ending with the current second.
    package func total(atMilliseconds now: Int64) -> Int64 {
        let second = now / 1000
        var sum: Int64 = 0
        for i in 0..<60 where seconds[i] > second - 60 && seconds[i] <= second { sum += counts[i] }
        return sum
    }
}
