/// Which of Binance's public-data dumps a file holds.
package enum PublicDataKind: String, Sendable, CaseIterable {
    /// `…-trades-…`: one row per trade, written as `trade` lines.
    case trades
    /// `…-aggTrades-…`: one row per aggregate trade, written as `aggTrade` lines.
    case aggTrades
}
