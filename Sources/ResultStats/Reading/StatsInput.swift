import BNCCore

/// Everything a subcommand reads: the merged series (one symbol), the trade-rate rows if any,
/// and what was skipped on the way, for the diagnostics.
package struct StatsInput: Sendable {
    package var series: ResultSeries
    package var tradeRates: TradeRateSeries
    package var skippedRows: Int
    package var skipped: [ResultReader.SkippedRow]
    /// Exact repeats dropped, and rows that repeat a window with other values (kept).
    package var repeatedRows = 0, conflictingRows = 0
    package var files: [String]

    /// Reads `paths` (stdin when empty or `-`), merges them in time order and keeps one symbol:
    /// `symbol` if given, else the only one present (several without `symbol` is an error).
    /// Trade-rate files are accepted only when `allowTradeRates`; feature columns outside
    /// `columns` are not parsed (they read as 0).
    package static func load(_ paths: [String], symbol: String?, strict: Bool, allowTradeRates: Bool = false,
                            columns: ResultColumns = .all) throws(ResultReadError) -> StatsInput {
        let inputs = InputFile.list(paths)
        let reader = try ResultReader.read(inputs, strict: strict, columns: columns)
        if !allowTradeRates, let f = reader.files.first(where: { $0.format == .tradeRateCSV }) {
            throw .tradeRatesNotAllowed(file: f.name)
        }
        var series = reader.series
        if let symbol {
            series = series.filtered(symbol: symbol)
        } else {
            let present = series.presentSymbols
            if present.count > 1 { throw .severalSymbols(present) }
        }
        if series.count == 0 && !(allowTradeRates && reader.tradeRates.count > 0) {
            throw .noUsableRows(noRowsHint(reader, symbol: symbol))
        }
        return StatsInput(series: series, tradeRates: reader.tradeRates, skippedRows: reader.skippedRows,
                          skipped: reader.skipped, repeatedRows: reader.repeatedRows, conflictingRows: reader.conflictingRows,
                          files: reader.files.map { "\($0.name) (\($0.format.rawValue))" })
    }

    /// Why nothing could be analysed, in the words a user needs: the symbol they asked for is not
    /// there (and which are), the file holds trade lines, every row was bad, or there are none.
    static func noRowsHint(_ reader: ResultReader, symbol: String?) -> String {
        if let symbol, reader.series.count > 0 {
            let present = reader.series.presentSymbols
            if present.isEmpty {
                return "symbol \(symbol.uppercased()) not in the input: its rows carry no symbol (the original project's CSV); leave out --symbol"
            }
            return "symbol \(symbol.uppercased()) not in the input; symbols present: \(present.joined(separator: ", "))"
        }
        if let file = reader.tradeLineFiles.first {
            return "\(file): looks like trade lines (bnc-stream output), not scored results: run it through bnc-window | bnc-score first"
        }
        if reader.skippedRows > 0, let first = reader.skipped.first {
            return "no usable rows: all \(reader.skippedRows) row(s) were unreadable (first: \(first.file):\(first.line): \(first.reason))"
        }
        if reader.files.isEmpty { return "no result rows in the input (it is empty)" }
        return "no result rows in the input (only a header)"
    }
}
