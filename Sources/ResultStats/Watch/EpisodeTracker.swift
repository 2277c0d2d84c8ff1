/// Anomaly episodes per symbol, from rows in arrival order — pure: no I/O, no clock (cooldowns
/// are measured in window time, so a file read tomorrow alerts as it did live).
///
/// An episode is a run of consecutive anomalous windows of one symbol; with `mergeGap` N, runs
/// separated by at most N normal (or unscored) windows are one episode. Each episode yields one
/// `.alert` at its first window (unless `cooldown` suppresses it) and one `.ended` once more
/// than N normal windows follow it. Rows at or before the symbol's newest processed window are
/// ignored: repeats, and everything a restart reads again (`State` is what `--state` saves), so
/// an episode is alerted exactly once. Memory is one fixed-size `SymbolState` per symbol.
package struct EpisodeTracker: Sendable {
    package struct Configuration: Sendable, Equatable {
        /// Normal windows an episode may contain between anomalous ones.
        package var mergeGap = 0
        /// With it, a window counts as anomalous only if its `anomaly_score` is at least this
        /// (rows without one — the original's CSV — are judged by `prediction` alone).
        package var minScore: Double?
        /// After an alert, episodes of the same symbol starting less than this later (window
        /// time, ms) are tracked but not alerted.
        package var cooldownMilliseconds: Int64 = 0
        /// Only these symbols (upper case); empty means all.
        package var symbols: Set<String> = []

        package init(mergeGap: Int = 0, minScore: Double? = nil, cooldownMilliseconds: Int64 = 0, symbols: Set<String> = []) {
            self.mergeGap = mergeGap
            self.minScore = minScore
            self.cooldownMilliseconds = cooldownMilliseconds
            self.symbols = symbols
        }
    }

    /// An episode still open.
    package struct OpenEpisode: Sendable, Equatable {
        /// The first window's start: with the symbol, the episode's identity.
        package var start: Int64
        /// The newest anomalous window (start, and end when known).
        package var lastStart: Int64
        package var lastEnd: Int64?
        package var anomalousWindows = 1
        /// Normal windows since the newest anomalous one.
        package var normalsSince = 0
        /// False when the cooldown held its alert back (then its end is not announced either).
        package var alerted: Bool
        /// The highest severity (`WatchRow.severity`) seen in it.
        package var peakSeverity: Double?
    }

    /// Everything the tracker knows about one symbol; what `--state` persists.
    package struct SymbolState: Sendable, Equatable {
        /// The newest window start processed (rows at or before it are ignored).
        package var lastSeen: Int64?
        /// Window start of the newest alert (for the cooldown).
        package var lastAlert: Int64?
        package var open: OpenEpisode?

        package init(lastSeen: Int64? = nil, lastAlert: Int64? = nil, open: OpenEpisode? = nil) {
            self.lastSeen = lastSeen
            self.lastAlert = lastAlert
            self.open = open
        }
    }

    /// What a row caused.
    package enum Event: Sendable, Equatable {
        /// A new episode's first window: alert.
        case alert(Alert)
        /// A new episode the cooldown keeps quiet.
        case suppressed(symbol: String, start: Int64)
        /// An alerted episode is over (`--on-end`).
        case ended(EpisodeEnd)
    }

    package struct Alert: Sendable, Equatable {
        package var row: WatchRow
        package var episodeID: String { EpisodeTracker.episodeID(symbol: row.symbol, start: row.start, row: row) }
    }

    package struct EpisodeEnd: Sendable, Equatable {
        package var symbol: String
        package var timeBasis: TimeBasis
        package var episode: OpenEpisode
        /// The normal window whose arrival closed it.
        package var closedBy: WatchRow
        package var episodeID: String { EpisodeTracker.episodeID(symbol: symbol, start: episode.start, row: closedBy) }
    }

    /// `SYMBOL@<first window start as the file writes it>`: the same episode gets the same id in
    /// every run, so a receiver can deduplicate on it.
    package static func episodeID(symbol: String, start: Int64, row: WatchRow) -> String {
        (symbol.isEmpty ? "-" : symbol) + "@" + row.format(start)
    }

    package let configuration: Configuration
    package private(set) var states: [String: SymbolState] = [:]
    /// Rows ignored because their window was already processed.
    package private(set) var staleRows = 0
    /// Rows of symbols outside `--symbol`.
    package private(set) var filteredRows = 0

    package init(_ configuration: Configuration, states: [String: SymbolState] = [:]) {
        self.configuration = configuration
        self.states = states
    }

    /// Whether the tracker looks at `symbol` at all.
    package func accepts(_ symbol: String) -> Bool {
        configuration.symbols.isEmpty || configuration.symbols.contains(symbol)
    }

    /// Feeds one row; returns what it caused, in order (an end always before a new alert).
    package mutating func process(_ row: WatchRow) -> [Event] {
        guard accepts(row.symbol) else { filteredRows += 1; return [] }
        var state = states[row.symbol] ?? SymbolState()
        if let last = state.lastSeen, row.start <= last { staleRows += 1; return [] }
        state.lastSeen = row.start
        var events: [Event] = []
        if isAnomalous(row) {
            if var open = state.open {
                open.anomalousWindows += 1
                open.normalsSince = 0
                open.lastStart = row.start
                open.lastEnd = row.end
                open.peakSeverity = Self.max(open.peakSeverity, row.severity)
                state.open = open
            } else {
                let quiet = state.lastAlert.map { row.start - $0 < configuration.cooldownMilliseconds } ?? false
                state.open = OpenEpisode(start: row.start, lastStart: row.start, lastEnd: row.end, alerted: !quiet,
                                         peakSeverity: row.severity)
                if quiet {
                    events.append(.suppressed(symbol: row.symbol, start: row.start))
                } else {
                    state.lastAlert = row.start
                    events.append(.alert(Alert(row: row)))
                }
            }
        } else if var open = state.open {
            open.normalsSince += 1
            if open.normalsSince > configuration.mergeGap {
                if open.alerted {
                    events.append(.ended(EpisodeEnd(symbol: row.symbol, timeBasis: row.timeBasis, episode: open, closedBy: row)))
                }
                state.open = nil
            } else {
                state.open = open
            }
        }
        states[row.symbol] = state
        return events
    }

    /// Whether `row` counts as an anomalous window under the configuration.
    package func isAnomalous(_ row: WatchRow) -> Bool {
        guard row.isAnomaly else { return false }
        if let minScore = configuration.minScore, let s = row.anomalyScore { return s >= minScore }
        return true
    }

    private static func max(_ a: Double?, _ b: Double?) -> Double? {
        guard let a else { return b }
        guard let b else { return a }
        return Swift.max(a, b)
    }
}
