
/// One closed window of one symbol (DESIGN.md §2). Optional fields are `null` for an empty window.
public struct WindowRow: Sendable, Equatable {
    public var symbol: Symbol
    /// `[start, end)` in epoch milliseconds.
    public var start: Int64
    public var end: Int64
    public var tradeCount: Int64
    public var volume: Double
    /// volume / trade_count, 0 when empty.
    public var averageTradeSize: Double
    /// (close − open) / open, 0 with fewer than 2 trades.
    public var priceReturn: Double
    /// Sample standard deviation (n − 1) of the trade prices, 0 with fewer than 2 trades.
    public var priceVolatility: Double
    public var open: Double?
    public var high: Double?
    public var low: Double?
    public var close: Double?
    /// quote_volume / volume; null when the window is empty (or its volume is 0).
    public var vwap: Double?
    public var quoteVolume: Double
    /// Σ qty of taker buys (`m:false`).
    public var buyVolume: Double
    public var maxTradeSize: Double
    public var firstTradeID: Int64?
    public var lastTradeID: Int64?
    public var missingTrades: Int64
    public var duplicates: Int64
    public var lateTrades: Int64
    public var complete: Bool

    public init(
        symbol: Symbol, start: Int64, end: Int64, tradeCount: Int64 = 0, volume: Double = 0,
        averageTradeSize: Double = 0, priceReturn: Double = 0, priceVolatility: Double = 0,
        open: Double? = nil, high: Double? = nil, low: Double? = nil, close: Double? = nil, vwap: Double? = nil,
        quoteVolume: Double = 0, buyVolume: Double = 0, maxTradeSize: Double = 0,
        firstTradeID: Int64? = nil, lastTradeID: Int64? = nil,
        missingTrades: Int64 = 0, duplicates: Int64 = 0, lateTrades: Int64 = 0, complete: Bool = false
    ) {
        self.symbol = symbol; self.start = start; self.end = end; self.tradeCount = tradeCount
        self.volume = volume; self.averageTradeSize = averageTradeSize; self.priceReturn = priceReturn
        self.priceVolatility = priceVolatility; self.open = open; self.high = high; self.low = low
        self.close = close; self.vwap = vwap; self.quoteVolume = quoteVolume; self.buyVolume = buyVolume
        self.maxTradeSize = maxTradeSize; self.firstTradeID = firstTradeID; self.lastTradeID = lastTradeID
        self.missingTrades = missingTrades; self.duplicates = duplicates; self.lateTrades = lateTrades
        self.complete = complete
    }
}
