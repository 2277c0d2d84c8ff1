
/// One closed window of one symbol (DESIGN.md §2). Optional fields are `null` for an empty window.
package struct WindowRow: Sendable, Equatable {
    package var symbol: Symbol
    /// `[start, end)` in epoch milliseconds.
    package var start: Int64
    package var end: Int64
    package var tradeCount: Int64
    package var volume: Double
    /// volume / trade_count, 0 when empty.
    package var averageTradeSize: Double
    /// (close − open) / open, 0 with fewer than 2 trades.
    package var priceReturn: Double
    /// Sample standard deviation (n − 1) of the trade prices, 0 with fewer than 2 trades.
    package var priceVolatility: Double
    package var open: Double?
    package var high: Double?
    package var low: Double?
    package var close: Double?
    /// quote_volume / volume; null when the window is empty (or its volume is 0).
    package var vwap: Double?
    package var quoteVolume: Double
    /// Σ qty of taker buys (`m:false`).
    package var buyVolume: Double
    package var maxTradeSize: Double
    package var firstTradeID: Int64?
    package var lastTradeID: Int64?
    package var missingTrades: Int64
    package var duplicates: Int64
    package var lateTrades: Int64
    package var complete: Bool
    /// Trades quarantined while this window was the newest: a time implausible in itself or far
    /// from the symbol's recent trades (bnc-window's jump rules), or impossible ids.
    package var outlierTrades: Int64

    package init(
        symbol: Symbol, start: Int64, end: Int64, tradeCount: Int64 = 0, volume: Double = 0,
        averageTradeSize: Double = 0, priceReturn: Double = 0, priceVolatility: Double = 0,
        open: Double? = nil, high: Double? = nil, low: Double? = nil, close: Double? = nil, vwap: Double? = nil,
        quoteVolume: Double = 0, buyVolume: Double = 0, maxTradeSize: Double = 0,
        firstTradeID: Int64? = nil, lastTradeID: Int64? = nil,
        missingTrades: Int64 = 0, duplicates: Int64 = 0, lateTrades: Int64 = 0, complete: Bool = false,
        outlierTrades: Int64 = 0
    ) {
        self.symbol = symbol; self.start = start; self.end = end; self.tradeCount = tradeCount
        self.volume = volume; self.averageTradeSize = averageTradeSize; self.priceReturn = priceReturn
        self.priceVolatility = priceVolatility; self.open = open; self.high = high; self.low = low
        self.close = close; self.vwap = vwap; self.quoteVolume = quoteVolume; self.buyVolume = buyVolume
        self.maxTradeSize = maxTradeSize; self.firstTradeID = firstTradeID; self.lastTradeID = lastTradeID
        self.missingTrades = missingTrades; self.duplicates = duplicates; self.lateTrades = lateTrades
        self.complete = complete; self.outlierTrades = outlierTrades
    }
}
