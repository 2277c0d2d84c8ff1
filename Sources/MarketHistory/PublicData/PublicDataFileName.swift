import BNCWire

/// What a Binance public-data file name says: `BTCUSDT-trades-2024-08-09.zip`,
/// `BTCUSDT-aggTrades-2024-08.zip` (also the `.csv` inside, and any directory in front).
package struct PublicDataFileName: Sendable, Equatable {
    /// Upper-case symbol, e.g. `BTCUSDT`.
    package var symbol: String
    package var kind: PublicDataKind
    /// The date part as written: `2024-08-09` (daily) or `2024-08` (monthly).
    package var period: String

    package init(symbol: String, kind: PublicDataKind, period: String) {
        self.symbol = symbol; self.kind = kind; self.period = period
    }

    /// Parses the last path component; nil when it is not `SYMBOL-(trades|aggTrades)-PERIOD[.ext]`.
    package init?(path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        var stem = Substring(name)
        for ext in [".zip", ".csv", ".ZIP", ".CSV"] where stem.hasSuffix(ext) {
            stem = stem.dropLast(ext.count)
            break
        }
        let parts = stem.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, WireLimits.isWritableSymbol(parts[0]),
              let first = parts[2].first, first.isASCII, first.isNumber
        else { return nil }
        switch parts[1] {
        case "trades": kind = .trades
        case "aggTrades": kind = .aggTrades
        default: return nil
        }
        symbol = parts[0].uppercased()
        period = String(parts[2])
    }
}
