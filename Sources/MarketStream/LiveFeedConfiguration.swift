/// Everything the live feed needs, as parsed from the command line.
public struct LiveFeedConfiguration: Sendable {
    public var endpoint: StreamEndpoint
    public var kind: StreamKind
    public var tls: TLSOptions
    /// No frame for this long: the connection is dead.
    public var idleTimeoutMilliseconds: Int64 = 60_000
    /// Open the replacement connection this long after a connection opened (Binance cuts at 24 h).
    public var rolloverAfterMilliseconds: Int64 = 23 * 3_600_000 + 30 * 60_000
    /// Consecutive failed connection attempts tolerated; nil = retry forever.
    public var maxRetries: Int?
    public var backfillEnabled = true
    public var restEndpoint = "https://api.binance.com"
    public var backfillMax: Int64 = 100_000
    public var restWeightPerMinute = 6000
    public var backoffInitialMilliseconds: Int64 = 1000
    public var backoffMaxMilliseconds: Int64 = 60_000
    public var backoffResetAfterMilliseconds: Int64 = 60_000
    public var connectTimeoutMilliseconds: Int64 = 10_000
    public var maxMessageSize = 1 << 20
    /// After the rollover connection delivers, how long the old one may take to catch up.
    public var switchGraceMilliseconds: Int64 = 5000
    public var connectionLimit = 300
    public var connectionLimitWindowMilliseconds: Int64 = 300_000

    public init(endpoint: StreamEndpoint, kind: StreamKind, tls: TLSOptions) {
        self.endpoint = endpoint
        self.kind = kind
        self.tls = tls
    }
}
