import BNCCore

/// Writes rows as one JSON object per line in DESIGN.md §2's key order. Doubles print with
/// Swift's shortest round-trip spelling, so a reader gets back exactly the value computed here.
public enum WindowRowWriter {
    /// The row as a line (with `\n`).
    public static func line(_ row: WindowRow) -> String {
        var s = "{\"symbol\":\""
        s += row.symbol.description
        s += "\",\"start\":\(row.start),\"end\":\(row.end),\"trade_count\":\(row.tradeCount)"
        s += ",\"volume\":" + number(row.volume)
        s += ",\"avg_trade_size\":" + number(row.averageTradeSize)
        s += ",\"price_return\":" + number(row.priceReturn)
        s += ",\"price_volatility\":" + number(row.priceVolatility)
        s += ",\"open\":" + number(row.open)
        s += ",\"high\":" + number(row.high)
        s += ",\"low\":" + number(row.low)
        s += ",\"close\":" + number(row.close)
        s += ",\"vwap\":" + number(row.vwap)
        s += ",\"quote_volume\":" + number(row.quoteVolume)
        s += ",\"buy_volume\":" + number(row.buyVolume)
        s += ",\"max_trade_size\":" + number(row.maxTradeSize)
        s += ",\"first_trade_id\":" + (row.firstTradeID.map { String($0) } ?? "null")
        s += ",\"last_trade_id\":" + (row.lastTradeID.map { String($0) } ?? "null")
        s += ",\"missing_trades\":\(row.missingTrades),\"duplicates\":\(row.duplicates)"
        s += ",\"late_trades\":\(row.lateTrades),\"complete\":" + (row.complete ? "true" : "false")
        s += "}\n"
        return s
    }

    /// Appends the row to `output` (the caller decides when to flush).
    public static func write(_ row: WindowRow, to output: OutputBuffer) throws(OutputError) {
        try output.append(line(row))
    }

    /// JSON has no NaN/infinity: those (never produced from valid trades) become null.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return value.description
    }
}
