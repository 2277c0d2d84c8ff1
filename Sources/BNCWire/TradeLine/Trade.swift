/// One trade as read from a trade line (DESIGN.md §1), timestamps normalised to epoch milliseconds.
package struct Trade: Hashable, Sendable {
    /// Which Binance event the line was.
    package enum Kind: Hashable, Sendable {
        /// `e:"trade"`: one trade, id `t`.
        case trade
        /// `e:"aggTrade"`: trades `f…l` at one price, aggregate id `a`.
        case aggTrade
    }

    package var kind: Kind
    package var symbol: Symbol
    /// `t` for a trade, `a` (the aggregate id) for an aggTrade.
    package var tradeID: Int64
    /// First and last trade id covered: `f`/`l` for an aggTrade, both `t` for a trade.
    package var firstTradeID: Int64
    package var lastTradeID: Int64
    package var price: Double
    package var quantity: Double
    /// `T`, epoch milliseconds (microsecond input is divided down, the remainder kept in
    /// `tradeTimeMicrosecondRemainder`).
    package var tradeTime: Int64
    /// `E`, epoch milliseconds.
    package var eventTime: Int64
    /// `m`: the buyer is the maker, so `false` means a taker buy.
    package var buyerIsMaker: Bool
    /// 0…999 µs below `tradeTime` when the line carried microseconds, else 0.
    package var tradeTimeMicrosecondRemainder: Int16

    package init(
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
    @inlinable package var tradeCount: Int64 { lastTradeID &- firstTradeID &+ 1 }

    /// Whether the ids are what a reader would accept: `0 ≤ f ≤ l` and at most
    /// `WireLimits.maxTradesPerAggTrade` trades.
    @inlinable package var hasPlausibleIDs: Bool {
        WireLimits.isPlausibleAggTradeRange(first: firstTradeID, last: lastTradeID)
    }
}
