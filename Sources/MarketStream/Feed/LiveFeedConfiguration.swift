import BNCCore

/// Everything the live feed needs, as parsed from the command line.
package struct LiveFeedConfiguration: Sendable {
    package var endpoint: StreamEndpoint
    package var kind: StreamKind
    package var tls: TLSOptions
    /// Where the feed publishes its counters for `--metrics-file` (nil: none are kept).
    package var metrics: MetricsSlot<FeedHealth>?
    /// No frame for this long: the connection is dead.
    package var idleTimeoutMilliseconds: Int64 = 60_000
    /// Open the replacement connection this long after a connection opened (Binance cuts at 24 h).
    package var rolloverAfterMilliseconds: Int64 = 23 * 3_600_000 + 30 * 60_000
    /// Consecutive failed connection attempts tolerated; nil = retry forever.
    package var maxRetries: Int?
    package var backfillEnabled = true
    package var restEndpoint = "https://api.binance.com"
    package var backfillMax: Int64 = 100_000
    package var restWeightPerMinute = 6000
    package var backoffInitialMilliseconds: Int64 = 1000
    package var backoffMaxMilliseconds: Int64 = 60_000
    package var backoffResetAfterMilliseconds: Int64 = 60_000
    package var connectTimeoutMilliseconds: Int64 = 10_000
    package var maxMessageSize = 1 << 20
    /// After the rollover connection delivers, how long the old one may take to catch up.
    package var switchGraceMilliseconds: Int64 = 5000
    /// Least time between two rounds of heartbeat lines (formats.md §1); 0 writes none.
    package var heartbeatMilliseconds: Int64 = 500
    package var connectionLimit = 300
    package var connectionLimitWindowMilliseconds: Int64 = 300_000
    /// In a `MarketFeed`: the connection group's name in diagnostics ("2/3"), the connection
    /// limit shared by every group, and the REST weight shared by their backfills. Nil: own ones.
    package var name: String?
    /// Least time between two SUBSCRIBE messages on one connection (Binance: 5 messages a second).
    package var subscriptionIntervalMilliseconds = SubscriptionPacer.defaultIntervalMilliseconds
    package var connectionGate: ConnectionGate?
    package var weightBudget: SharedWeightBudget?

    /// Largest id step from the last trade written for a symbol that is taken for a gap (and
    /// backfilled or counted missing). A larger one — 2^32 ids, centuries of BTCUSDT trading —
    /// is a glitch or a crafted message: skipped and counted, so it never becomes the last id
    /// that every later real trade would be dropped against as a repeat.
    package static let maxIDJump: Int64 = 1 << 32

    package init(endpoint: StreamEndpoint, kind: StreamKind, tls: TLSOptions) {
        self.endpoint = endpoint
        self.kind = kind
        self.tls = tls
    }
}
