import BNCCore

/// Writes rows as one JSON object per line in DESIGN.md §2's key order. Doubles print with
/// Swift's shortest round-trip spelling, so a reader gets back exactly the value computed here.
package enum WindowRowWriter {
    /// The row as a line (with `\n`). Key names come from `WindowRowKey`, in its order.
    package static func line(_ row: WindowRow) -> String {
        var s = "{"
        for key in WindowRowKey.allCases {
            if key != .symbol { s += "," }
            s += "\""
            s += key.name
            s += "\":"
            switch key {
            case .symbol: s += "\""; s += row.symbol.description; s += "\""
            case .start: s += String(row.start)
            case .end: s += String(row.end)
            case .tradeCount: s += String(row.tradeCount)
            case .volume: s += number(row.volume)
            case .averageTradeSize: s += number(row.averageTradeSize)
            case .priceReturn: s += number(row.priceReturn)
            case .priceVolatility: s += number(row.priceVolatility)
            case .open: s += number(row.open)
            case .high: s += number(row.high)
            case .low: s += number(row.low)
            case .close: s += number(row.close)
            case .vwap: s += number(row.vwap)
            case .quoteVolume: s += number(row.quoteVolume)
            case .buyVolume: s += number(row.buyVolume)
            case .maxTradeSize: s += number(row.maxTradeSize)
            case .firstTradeID: s += row.firstTradeID.map { String($0) } ?? "null"
            case .lastTradeID: s += row.lastTradeID.map { String($0) } ?? "null"
            case .missingTrades: s += String(row.missingTrades)
            case .duplicates: s += String(row.duplicates)
            case .lateTrades: s += String(row.lateTrades)
            case .complete: s += row.complete ? "true" : "false"
            case .outlierTrades: s += String(row.outlierTrades)
            }
        }
        s += "}\n"
        return s
    }

    /// Appends the row to `output` (the caller decides when to flush).
    package static func write(_ row: WindowRow, to output: OutputBuffer) throws(OutputError) {
        try output.append(line(row))
    }

    /// JSON has no NaN/infinity: those (never produced from valid trades) become null.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return value.description
    }
}
