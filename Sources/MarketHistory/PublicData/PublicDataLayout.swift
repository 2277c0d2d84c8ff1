/// The columns of a public-data CSV. Spot files have an `isBestMatch` column that futures files
/// lack; the other columns are the same:
///
/// - trades: `id,price,qty,quoteQty,time,isBuyerMaker[,isBestMatch]`
/// - aggTrades: `aggId,price,qty,firstId,lastId,time,isBuyerMaker[,isBestMatch]`
package struct PublicDataLayout: Sendable, Equatable, CustomStringConvertible {
    package var kind: PublicDataKind
    package var hasBestMatch: Bool

    package init(kind: PublicDataKind, hasBestMatch: Bool) {
        self.kind = kind
        self.hasBestMatch = hasBestMatch
    }

    package static let spotTrades = PublicDataLayout(kind: .trades, hasBestMatch: true)
    package static let spotAggTrades = PublicDataLayout(kind: .aggTrades, hasBestMatch: true)

    package var columnCount: Int {
        switch kind {
        case .trades: return hasBestMatch ? 7 : 6
        case .aggTrades: return hasBestMatch ? 8 : 7
        }
    }

    var timeColumn: Int { kind == .trades ? 4 : 5 }
    var makerColumn: Int { timeColumn + 1 }
    var bestMatchColumn: Int { timeColumn + 2 }

    package var description: String {
        "\(kind.rawValue) (\(columnCount) columns\(hasBestMatch ? "" : ", no isBestMatch"))"
    }

    /// The layout a header row names, e.g. `id,price,qty,quote_qty,time,is_buyer_maker,is_best_match`
    /// or `agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker`.
    package static func fromHeader(_ names: [String]) -> PublicDataLayout? {
        let normalized = names.map { $0.lowercased().filter { $0.isLetter } }
        let kind: PublicDataKind = normalized.contains(where: { $0.hasPrefix("first") }) ? .aggTrades : .trades
        for candidate in [PublicDataLayout(kind: kind, hasBestMatch: true), PublicDataLayout(kind: kind, hasBestMatch: false)]
        where candidate.columnCount == names.count {
            return candidate
        }
        return nil
    }

    /// The layout of a data row with `columnCount` columns, given what the file name says (if
    /// anything). Seven columns without a hint are spot trades when column 6 is a boolean,
    /// else futures aggTrades.
    package static func fromRow(columnCount: Int, sixthColumnIsBoolean: Bool, hint: PublicDataKind?) -> PublicDataLayout? {
        switch (hint, columnCount) {
        case (.trades, 7): return .spotTrades
        case (.trades, 6): return PublicDataLayout(kind: .trades, hasBestMatch: false)
        case (.aggTrades, 8): return .spotAggTrades
        case (.aggTrades, 7): return PublicDataLayout(kind: .aggTrades, hasBestMatch: false)
        case (nil, 8): return .spotAggTrades
        case (nil, 6): return PublicDataLayout(kind: .trades, hasBestMatch: false)
        case (nil, 7): return sixthColumnIsBoolean ? .spotTrades : PublicDataLayout(kind: .aggTrades, hasBestMatch: false)
        default: return nil
        }
    }
}
