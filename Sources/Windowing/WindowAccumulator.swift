import BNCWire

/// Running sums of one open window. Prices enter a weighted Welford update (an aggTrade of k
/// trades counts as k trades at its price), which keeps the sample deviation accurate even when
/// it is tiny next to the price level.
struct WindowAccumulator {
    var tradeCount: Int64 = 0
    var volume = 0.0
    var quoteVolume = 0.0
    var buyVolume = 0.0
    var maxTradeSize = 0.0
    var high = -Double.infinity
    var low = Double.infinity
    /// Price of the lowest / highest trade id accepted: open and close follow exchange order,
    /// not arrival order, so a trade reordered within the lateness lands where it belongs.
    var open = 0.0
    var close = 0.0
    var firstTradeID = Int64.max
    var lastTradeID = Int64.min
    var mean = 0.0
    var m2 = 0.0
    var missingTrades: Int64 = 0
    var duplicates: Int64 = 0
    var lateTrades: Int64 = 0
    var outlierTrades: Int64 = 0

    @inline(__always)
    mutating func add(price: Double, quantity: Double, firstID: Int64, lastID: Int64, count: Int64, takerBuy: Bool) {
        // The first trade sets open and close whatever its ids: a sentinel comparison alone would
        // miss an id of Int64.max (open stayed 0.0).
        let first = tradeCount == 0
        let n = tradeCount + count
        let delta = price - mean
        mean += delta * Double(count) / Double(n)
        m2 += delta * (price - mean) * Double(count)
        tradeCount = n
        volume += quantity
        quoteVolume += price * quantity
        if takerBuy { buyVolume += quantity }
        if quantity > maxTradeSize { maxTradeSize = quantity }
        if price > high { high = price }
        if price < low { low = price }
        if first || firstID < firstTradeID { firstTradeID = firstID; open = price }
        if first || lastID > lastTradeID { lastTradeID = lastID; close = price }
    }

    /// Whether nothing at all happened in the window (no trade, nothing dropped or quarantined).
    var isBlank: Bool { tradeCount == 0 && duplicates == 0 && lateTrades == 0 && outlierTrades == 0 }

    func row(symbol: Symbol, start: Int64, end: Int64, complete: Bool) -> WindowRow {
        var row = WindowRow(symbol: symbol, start: start, end: end, missingTrades: max(0, missingTrades),
                            duplicates: duplicates, lateTrades: lateTrades,
                            complete: complete && missingTrades <= 0 && outlierTrades == 0,
                            outlierTrades: outlierTrades)
        guard tradeCount > 0 else { return row }
        row.tradeCount = tradeCount
        row.volume = volume
        row.averageTradeSize = volume / Double(tradeCount)
        row.quoteVolume = quoteVolume
        row.buyVolume = buyVolume
        row.maxTradeSize = maxTradeSize
        row.open = open
        row.high = high
        row.low = low
        row.close = close
        row.vwap = volume > 0 ? quoteVolume / volume : nil
        row.firstTradeID = firstTradeID
        row.lastTradeID = lastTradeID
        if tradeCount >= 2 {
            row.priceReturn = (close - open) / open
            row.priceVolatility = (max(0, m2) / Double(tradeCount - 1)).squareRoot()
        }
        return row
    }
}
