/// The keys of a window row (DESIGN.md §2), in the order the writer emits them. The one place
/// their spelling lives: the writer, the reader, bnc-score's default features and bnc-stats'
/// readers all take it from here.
public enum WindowRowKey: String, CaseIterable, Sendable {
    case symbol, start, end
    case tradeCount = "trade_count"
    case volume
    case averageTradeSize = "avg_trade_size"
    case priceReturn = "price_return"
    case priceVolatility = "price_volatility"
    case open, high, low, close, vwap
    case quoteVolume = "quote_volume"
    case buyVolume = "buy_volume"
    case maxTradeSize = "max_trade_size"
    case firstTradeID = "first_trade_id"
    case lastTradeID = "last_trade_id"
    case missingTrades = "missing_trades"
    case duplicates
    case lateTrades = "late_trades"
    case complete
    /// Added last (issue 11) so older readers' key positions stay valid.
    case outlierTrades = "outlier_trades"

    /// The original project's five model features, in its order; they are also the five feature
    /// columns of a scored result (DESIGN.md §3: `trade_count,volume,avg_trade_size,return,volatility`).
    public static let features: [WindowRowKey] = [.tradeCount, .volume, .averageTradeSize, .priceReturn, .priceVolatility]

    /// The key as written in a row.
    @inlinable public var name: String { rawValue }
}
