/// The `limit` most anomalous windows (lowest score) with their reasons, for the HTML report.
/// Fed one row at a time and bounded by `limit` (an insertion into a short sorted list), so it
/// fits a streaming pass as well as a loop over a loaded series.
package struct TopAnomalies: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var timestamp: Int64
        package var symbol: String
        package var score: Double
        /// formats.md §3 `reason`; nil when the row has none.
        package var reason: String?
    }

    package let limit: Int
    /// Most anomalous first; equal scores keep the order they arrived in.
    package private(set) var entries: [Entry] = []

    package init(limit: Int = 20) {
        precondition(limit >= 0)
        self.limit = limit
    }

    /// Offers one row; only anomalies (`prediction` −1) with a score are kept.
    package mutating func add(isAnomaly: Bool, score: Double, timestamp: Int64, symbol: @autoclosure () -> String, reason: String?) {
        guard isAnomaly, score.isFinite, limit > 0 else { return }
        if entries.count == limit, let last = entries.last, !(score < last.score) { return }
        var position = entries.count
        while position > 0 && score < entries[position - 1].score { position -= 1 }
        entries.insert(Entry(timestamp: timestamp, symbol: symbol(), score: score, reason: reason), at: position)
        if entries.count > limit { entries.removeLast() }
    }
}
