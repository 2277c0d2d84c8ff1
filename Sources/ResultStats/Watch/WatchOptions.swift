/// What `bnc-stats watch` was asked to do (the command parses, this carries it to `WatchSession`).
package struct WatchOptions: Sendable {
    /// Where alerts go when there is no terminal to draw on.
    package enum Output: Sendable, Equatable {
        /// The live view (stdout is a terminal, no `--exec`, no `--ndjson`).
        case view
        /// One JSON line per alert on stdout.
        case ndjson
        /// Nothing on stdout (alerts go to `--exec`).
        case none
    }

    /// Files, patterns or folders; empty (or `-`) is stdin.
    package var inputs: [String] = []
    package var follow = false
    package var tracker = EpisodeTracker.Configuration()
    package var exec: String?
    package var onEnd: String?
    package var execTimeoutMilliseconds: Int64 = 10_000
    package var output: Output = .ndjson
    package var stateFile: String?
    package var metricsDirectory: String?
    /// How often a followed file is looked at again when nothing came in (at most 250 ms).
    package var pollMilliseconds: Int64 = 200
    /// Stop reading while this many commands wait (back-pressure instead of an unbounded queue).
    package var maxBacklog = 1000

    package init() {}
}
