/// One trade as read from a trade line (DESIGN.md §1), timestamps normalised to epoch milliseconds.
public struct Trade: Hashable, Sendable {
    /// Which Binance event the line was.
    public enum Kind: Hashable, Sendable {
        /// `e:"trade"`: one trade, id `t`.
        case trade
        /// `e:"aggTrade"`: trades `f…l` at one price, aggregate id `a`.
        case aggTrade
    }

    public var kind: Kind
    public var symbol: Symbol
    /// `t` for a trade, `a` (the aggregate id) for an aggTrade.
    public var tradeID: Int64
    /// First and last trade id covered: `f`/`l` for an aggTrade, both `t` for a trade.
    public var firstTradeID: Int64
    public var lastTradeID: Int64
    public var price: Double
    public var quantity: Double
    /// `T`, epoch milliseconds (microsecond input is divided down, the remainder kept in
    /// `tradeTimeMicrosecondRemainder`).
    public var tradeTime: Int64
    /// `E`, epoch milliseconds.
    public var eventTime: Int64
    /// `m`: the buyer is the maker, so `false` means a taker buy.
    public var buyerIsMaker: Bool
    /// 0…999 µs below `tradeTime` when the line carried microseconds, else 0.
    public var tradeTimeMicrosecondRemainder: Int16

    public init(
        kind: Kind = .trade, symbol: Symbol, tradeID: Int64, firstTradeID: Int64? = nil, lastTradeID: Int64? = nil,
        price: Double, quantity: Double, tradeTime: Int64, eventTime: Int64, buyerIsMaker: Bool,
        tradeTimeMicrosecondRemainder: Int16 = 0
    ) {
        self.kind = kind
        self.symbol = symbol
        self.tradeID = tradeID
        self.firstTradeID = firstTradeID ?? tradeID
        self.lastTradeID = lastTradeID ?? tradeID
        self.price = price
        self.quantity = quantity
        self.tradeTime = tradeTime
        self.eventTime = eventTime
        self.buyerIsMaker = buyerIsMaker
        self.tradeTimeMicrosecondRemainder = tradeTimeMicrosecondRemainder
    }

    /// Trades this line stands for: `l − f + 1` for an aggTrade, 1 for a trade. Never traps: the
    /// reader refuses ranges wider than `WireLimits.maxTradesPerAggTrade` (and `l < f`), and the
    /// windowing quarantines a `Trade` built in code with such a range (`hasPlausibleIDs`).
    @inlinable public var tradeCount: Int64 { lastTradeID &- firstTradeID &+ 1 }

    /// Whether the ids are what a reader would accept: `0 ≤ f ≤ l` and at most
    /// `WireLimits.maxTradesPerAggTrade` trades.
    @inlinable public var hasPlausibleIDs: Bool {
        WireLimits.isPlausibleAggTradeRange(first: firstTradeID, last: lastTradeID)
    }
}
