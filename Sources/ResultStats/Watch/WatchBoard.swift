/// What the live view shows, kept up to date row by row: per symbol the newest window, rings of
/// the last `history` severities and trade counts, anomalies on the newest window's UTC day and
/// the open episode; and the latest alerts. Fixed size per symbol (the rings), a fixed number of
/// alerts, so a day-long run stays in bounded memory.
package struct WatchBoard: Sendable {
    package struct Panel: Sendable {
        package var last: WatchRow
        package var severity: RingBuffer<Double?>
        package var tradeCount: RingBuffer<Double?>
        package var anomalous: RingBuffer<Bool>
        /// Day number (epoch days) the `anomaliesToday` count belongs to.
        package var day: Int64
        package var anomaliesToday = 0
        package var rows = 0
        /// The open episode as the tracker has it (start, anomalous windows), nil when none.
        package var episode: EpisodeTracker.OpenEpisode?
    }

    package let history: Int
    package let maxAlerts: Int
    package private(set) var panels: [String: Panel] = [:]
    /// Newest last, at most `maxAlerts`: (event, when received on the wall clock).
    package private(set) var alerts: [(line: String, isEnd: Bool)] = []
    package private(set) var alertCount = 0
    package var skippedRows = 0
    package var sourceNames: [String] = []
    /// The latest notice (rotation, a skipped row) while the view owns the terminal.
    package var note: String?

    package init(history: Int = 240, maxAlerts: Int = 50) {
        self.history = history
        self.maxAlerts = maxAlerts
    }

    package mutating func record(_ row: WatchRow, anomalous: Bool, episode: EpisodeTracker.OpenEpisode?) {
        let day = row.start >= 0 ? row.start / 86_400_000 : (row.start - 86_399_999) / 86_400_000
        var panel = panels[row.symbol] ?? Panel(last: row, severity: RingBuffer(capacity: history),
                                                tradeCount: RingBuffer(capacity: history),
                                                anomalous: RingBuffer(capacity: history), day: day)
        if day != panel.day { panel.day = day; panel.anomaliesToday = 0 }
        if anomalous { panel.anomaliesToday += 1 }
        panel.last = row
        panel.rows += 1
        panel.severity.append(row.severity)
        panel.tradeCount.append(row.tradeCount.isFinite ? row.tradeCount : nil)
        panel.anomalous.append(anomalous)
        panel.episode = episode
        panels[row.symbol] = panel
    }

    package mutating func record(_ event: EpisodeTracker.Event) {
        switch event {
        case .alert: alertCount += 1
        case .ended, .suppressed: break
        }
        let isEnd: Bool
        if case .ended = event { isEnd = true } else { isEnd = false }
        alerts.append((AlertEncoder.viewLine(event), isEnd))
        if alerts.count > maxAlerts { alerts.removeFirst(alerts.count - maxAlerts) }
    }

    /// Symbols in display order (name; the original's unnamed one first).
    package var symbols: [String] { panels.keys.sorted() }
}
